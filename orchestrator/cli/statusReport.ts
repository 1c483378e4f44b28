import type { CloudStatus } from '../../local/cloud/localCloud.js';

/** `meridian status` as a person reads it. */
export function formatStatus(s: CloudStatus): string {
  const lines = [
    `local cloud ${s.ready ? 'ready' : 'starting'} (pid ${s.pid}, since ${s.startedAt})`,
    `front door  ${s.frontDoor}`,
    `recovery    ${s.recovery.account} account, s3 ${s.recovery.objects || '-'}`,
    '',
  ];
  for (const r of s.regions) {
    const rep = s.replication.regions.find((x) => x.region === r.region);
    const lag = rep && rep.lag.samples > 0 ? `lag p50 ${rep.lag.p50Ms} ms, p99 ${rep.lag.p99Ms} ms (${rep.lag.samples} writes)` : 'no replicated writes yet';
    lines.push(`${r.region.padEnd(12)} ${r.state.padEnd(9)} ${r.endpoints.api ?? ''}`);
    for (const name of ['dynamodb', 'objects', 'streams', 'topics', 'search']) {
      lines.push(`${''.padEnd(12)} ${name.padEnd(9)}${r.endpoints[name] ?? '-'}`);
    }
    lines.push(`${''.padEnd(12)} replication in: ${rep?.pending ?? 0} waiting, ${lag}`);
  }
  lines.push('', `global tables: ${s.replication.tables.map((t) => `${t.tableName} (${t.mode})`).join(', ') || 'none'}`);
  return lines.join('\n');
}
