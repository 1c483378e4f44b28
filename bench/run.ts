import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import os from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { percentile } from '../local/global-tables/lagWindow.js';
import { startCloudProcess } from '../local/test/support/cloudProcess.js';
import { dynamoClients, getItem, registerGlobalTable } from '../local/test/support/regionClients.js';
import { runCommandToRead, type CommandToReadResult } from './destinations/commandToRead.js';
import { benchProposeToSearchable, type ProposeToSearchableResult } from './search/proposeToSearchable.js';
import { benchSearchLatency, type SearchLatencyResult } from './search/searchLatency.js';

/*
 * Benchmarks of the local cloud (issue "Local two-region cloud", targets):
 * start-to-ready, idle memory of everything it runs, DynamoDB Local's raw put rate (the ceiling,
 * same run) and global-table replication lag at 20 writes/s. Report: bench/results/local-cloud.{json,md}.
 * Then the services' targets on the same cloud: command accepted in one region → readable in the other
 * (destinations), proposed → searchable in the other region, and GET /search over 100,000 destinations
 * (on its own engine, after the cloud stops). Report: bench/results/services.{json,md}.
 * `npm run bench -- --cloud-only` skips the services.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const stateDir = mkdtempSync(join(tmpdir(), 'meridian-bench-'));
const env = { MERIDIAN_STATE_DIR: stateDir, MERIDIAN_PORT_OFFSET: '3000' };
Object.assign(process.env, env);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stat = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: round(percentile(s, 50)), p99: round(percentile(s, 99)), max: round(s.at(-1)!) };
};
const round = (x: number) => Math.round(x * 10) / 10;

const services: ServicesReport = {};
console.log('starting the local cloud…');
const began = performance.now();
const cloud = await startCloudProcess({ env, logFile: join(stateDir, 'cloud.log') });
const startToReadyS = (performance.now() - began) / 1000;
try {
  const db = dynamoClients(cloud.config);
  await registerGlobalTable(cloud.config, 'bench-things');
  await registerGlobalTable(cloud.config, 'bench-raw');
  await sleep(5_000);
  const idleRssMb = groupRssMb(cloud.child.pid!);
  console.log(`ready in ${startToReadyS.toFixed(1)} s; idle resident memory ${idleRssMb} MB`);

  // Ceiling: raw puts into one region's DynamoDB Local, concurrency 16 (the replicator also copies them).
  const rawCount = 2_000;
  const putLatencies: number[] = [];
  let next = 0;
  const rawBegan = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < rawCount) {
      const i = next++;
      const t = performance.now();
      await db['us-east-1']!.send(new PutItemCommand({ TableName: 'bench-raw', Item: { id: { S: `r${i}` }, n: { N: String(i) } } }));
      putLatencies.push(performance.now() - t);
    }
  }));
  const rawPutsPerS = Math.round(rawCount / ((performance.now() - rawBegan) / 1000));
  console.log(`raw put rate ${rawPutsPerS}/s`);
  await sleep(3_000);

  // Lag: 20 writes/s into us-east-1 for 20 s; each write's time until us-west-2 can read it.
  const rate = 20;
  const seconds = 20;
  const lags: number[] = [];
  const singlePut: number[] = [];
  const watchers: Promise<void>[] = [];
  const lagBegan = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = lagBegan + (i * 1000) / rate;
    await sleep(Math.max(0, due - performance.now()));
    const t0 = performance.now();
    await db['us-east-1']!.send(new PutItemCommand({ TableName: 'bench-things', Item: { id: { S: `l${i}` }, n: { N: String(i) } } }));
    singlePut.push(performance.now() - t0);
    watchers.push((async () => {
      while (!(await getItem(db['us-west-2']!, 'bench-things', { id: { S: `l${i}` } }))) await sleep(2);
      lags.push(performance.now() - t0);
    })());
  }
  await Promise.all(watchers);
  const lag = stat(lags);
  const put = stat(singlePut);
  console.log(`replication lag at ${rate}/s: p50 ${lag.p50} ms, p99 ${lag.p99} ms (single put p50 ${put.p50} ms)`);

  const report = {
    when: new Date().toISOString(),
    machine: { cores: (await import('node:os')).cpus().length, node: process.version },
    startToReadyS: round(startToReadyS),
    idleRssMb,
    rawPutsPerS,
    rawPutLatencyMs: stat(putLatencies),
    replication: { ratePerS: rate, writes: lags.length, lagMs: lag, putMs: put, lagP99OverPutP50: round(lag.p99 / put.p50) },
    targets: { lagP99UnderMs: 250, idleRssUnderMb: 1536, startToReadyUnderS: 30 },
  };
  writeFileSync('bench/results/local-cloud.json', JSON.stringify(report, null, 2) + '\n');
  writeFileSync('bench/results/local-cloud.md', [
    `# Local cloud benchmark (${report.when}, ${report.machine.cores} cores, Node ${report.machine.node})`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| npm start to ready | ${report.startToReadyS} s | < 30 s |`,
    `| idle resident memory, all processes | ${idleRssMb} MB | < 1536 MB |`,
    `| DynamoDB Local raw puts, concurrency 16 (ceiling) | ${rawPutsPerS}/s | — |`,
    `| replication lag at ${rate} writes/s, p50 / p99 / max | ${lag.p50} / ${lag.p99} / ${lag.max} ms | p99 < 250 ms |`,
    `| single put in the origin, p50 / p99 (same run) | ${put.p50} / ${put.p99} ms | — |`,
    `| lag p99 ÷ put p50 | ${report.replication.lagP99OverPutP50} | — |`,
    '',
  ].join('\n'));
  console.log('report: bench/results/local-cloud.md');

  if (!process.argv.includes('--cloud-only')) {
    const frontDoor = `http://127.0.0.1:${cloud.config.frontDoor.port}`;
    // The curve, not only the target's rate: where this machine stops keeping up.
    services.commandToReadByRate = [];
    for (const rate of [5, 10, 20]) {
      await settle(frontDoor);
      console.log(`destinations: command → readable in the other region, ${rate}/s for 20 s…`);
      const cpuBefore = groupCpuSeconds(cloud.child.pid!);
      const result = await runCommandToRead({ frontDoor, rate, seconds: 20, log: (l) => console.log(`  ${l}`) });
      const commands = result.commands + rate * 5; // the warm-up's too
      const cpuMsPerCommand = round(((groupCpuSeconds(cloud.child.pid!) - cpuBefore) * 1000) / commands);
      services.commandToReadByRate.push({ ...result, cpuMsPerCommand });
      if (rate === 20) services.commandToRead = result;
      await sleep(3_000);
    }
    console.log('search: proposed → searchable in the other region, 20/s for 20 s…');
    services.proposeToSearchable = await benchProposeToSearchable({ config: cloud.config, ratePerS: 20, seconds: 20, log: (l) => console.log(`  ${l}`) });
  }
} finally {
  await cloud.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

if (!process.argv.includes('--cloud-only')) {
  console.log('search: GET /search at 50/s over 100,000 destinations (own engine, cloud stopped)…');
  services.searchLatency = await benchSearchLatency({ docs: 100_000, ratePerS: 50, seconds: 30, log: (l) => console.log(`  ${l}`) });
  writeServicesReport(services);
}

interface ServicesReport {
  commandToRead?: CommandToReadResult;
  /** Every process of the cloud, CPU time per command (warm-up included): what a rate costs, whatever the contention. */
  commandToReadByRate?: (CommandToReadResult & { cpuMsPerCommand: number })[];
  proposeToSearchable?: ProposeToSearchableResult;
  searchLatency?: SearchLatencyResult;
}

function writeServicesReport(r: ServicesReport): void {
  writeFileSync('bench/results/services.json', JSON.stringify({ when: new Date().toISOString(), ...r }, null, 2) + '\n');
  const row = (what: string, ms: { p50: number; p99: number } | undefined, target: string) =>
    `| ${what} | ${ms ? `${round(ms.p50)} / ${round(ms.p99)} ms` : 'not run'} | ${target} |`;
  writeFileSync('bench/results/services.md', [
    `# Services benchmark (${new Date().toISOString()}, ${(os.cpus()).length} cores, load average at the end ${os.loadavg()[0]!.toFixed(1)})`,
    '',
    '| measure (p50 / p99) | value | target |',
    '|---|---|---|',
    row(`destinations: command accepted in ${r.commandToRead?.from ?? 'one region'} → readable in ${r.commandToRead?.to ?? 'the other'} at 20/s`, r.commandToRead?.readable, 'p99 < 500 ms'),
    row('destinations: POST /destinations answered (202), same run', r.commandToRead?.accepted, '—'),
    ...(r.commandToReadByRate ?? []).map((x) => row(`destinations: → readable at ${x.rate}/s (all processes: ${x.cpuMsPerCommand} ms CPU per command)`, x.readable, x.rate === 20 ? 'p99 < 500 ms' : '—')),
    row('search: proposed in one region → found by GET /search in the other at 20/s', r.proposeToSearchable?.searchableMs, 'p99 < 1500 ms'),
    row('search: GET /search at 50/s over 100,000 destinations', r.searchLatency?.latencyMs, 'p99 < 20 ms'),
    '',
    `Failures or not found: destinations ${r.commandToRead?.failures.length ?? '-'}, search ${r.proposeToSearchable?.notFound ?? '-'}.`,
    r.searchLatency?.engineCpuMsPerRequest !== undefined ? `Search engine CPU per request: ${r.searchLatency.engineCpuMsPerRequest.toFixed(2)} ms.` : '',
    '',
  ].join('\n'));
  console.log('report: bench/results/services.md');
}

/**
 * Waits until no replicated write is waiting in any region, three checks in a row a second apart (at
 * most a minute): one measurement's backlog must not be billed to the next.
 */
async function settle(frontDoor: string): Promise<void> {
  let quiet = 0;
  for (const deadline = Date.now() + 60_000; quiet < 3 && Date.now() < deadline; ) {
    await sleep(1_000);
    const status = (await (await fetch(`${frontDoor}/_meridian/status`)).json()) as { replication?: { regions?: { pending?: number }[] } };
    quiet = (status.replication?.regions ?? []).every((r) => (r.pending ?? 0) === 0) ? quiet + 1 : 0;
  }
}

/** CPU time (user + system) of every process in the cloud's session so far, in seconds (Linux /proc). */
function groupCpuSeconds(sid: number): number {
  const pids = execFileSync('ps', ['-o', 'pid=', '-g', String(sid)], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100; // USER_HZ
}

/** Resident memory of a process group (the cloud, its regions, their JVMs), in MB. */
function groupRssMb(pgid: number): number {
  const out = execFileSync('ps', ['-o', 'rss=', '-g', String(pgid)], { encoding: 'utf8' });
  return Math.round(out.split('\n').filter(Boolean).reduce((sum, kb) => sum + Number(kb), 0) / 1024);
}
