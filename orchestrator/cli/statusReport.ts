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
    if (r.health) lines.push(`${''.padEnd(12)} health   ${healthLine(r.health)}`);
    for (const name of ['dynamodb', 'objects', 'streams', 'topics', 'search']) {
      lines.push(`${''.padEnd(12)} ${name.padEnd(9)}${r.endpoints[name] ?? '-'}`);
    }
    lines.push(`${''.padEnd(12)} replication in: ${rep?.inboundPaused ? 'PAUSED, ' : ''}${rep?.pending ?? 0} waiting, ${lag}`);
    if (r.deployed) {
      const services = r.deployed.services.map((d) => `${d.service} (${d.stage}, ${d.functions.length} functions, ${d.routes.length} routes)`);
      lines.push(`${''.padEnd(12)} services: ${services.join(', ') || 'none deployed'}`);
      if (r.deployed.functionFaults || r.deployed.topicFaults) {
        lines.push(`${''.padEnd(12)} faults: ${r.deployed.functionFaults} stream records, ${r.deployed.topicFaults} topic deliveries kept failing`);
      }
    }
  }
  lines.push('', `global tables: ${s.replication.tables.map((t) => `${t.tableName} (${t.mode})`).join(', ') || 'none'}`);
  return lines.join('\n');
}

/** `healthy`, or `UNHEALTHY` with what the last check named as failed (or why there was no answer). */
function healthLine(h: NonNullable<CloudStatus['regions'][number]['health']>): string {
  const last = h.last;
  const why = !last ? 'not checked yet'
    : last.failed.length ? `failing: ${last.failed.join(', ')}`
    : last.status === 0 ? `no answer (${last.error ?? 'unreachable'})`
    : last.status === 404 ? 'no health service deployed: routed while its process is up'
    : last.status === 200 ? (h.state === 'healthy' ? `last check ${last.at}` : 'passing again: back after two passing checks in a row')
    : `last check answered ${last.status}`;
  return `${h.state === 'healthy' ? 'healthy' : 'UNHEALTHY'} (${why})`;
}
