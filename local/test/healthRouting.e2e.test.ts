import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudStatus } from '../cloud/localCloud.js';
import { cloudStatus, processesMentioning, startCloudProcess, type CloudProcess } from './support/cloudProcess.js';
import { until } from './support/regionClients.js';

/*
 * The front door routes on the regions' GET /health (issue 11): a region whose DynamoDB Local stops answering
 * while its process runs, or that is failed on purpose (`meridian health <region> fail`), loses its traffic
 * with no failed GET, and gets it back once healthy. Its own cloud (state dir, ports): stopping a JVM here
 * leaves the run's shared cloud untouched.
 */
const BIN = fileURLToPath(new URL('../../bin/meridian.js', import.meta.url));
const run = promisify(execFile);

let cloud: CloudProcess;
let stateDir: string;
let env: NodeJS.ProcessEnv;
let frontDoor: string;
let destinationId: string;

const meridian = async (...args: string[]) => (await run(process.execPath, [BIN, ...args], { env, encoding: 'utf8' })).stdout;
const regionHealth = async (region: string) => (await cloudStatus(cloud.config) as CloudStatus | undefined)?.regions.find((r) => r.region === region)?.health;

/** Steady GETs through the front door (a few at a time) until stopped: who served each, and every failure. */
function steadyGets(paths: string[]) {
  const served: { region: string; at: number }[] = [];
  const failures: string[] = [];
  let running = true;
  const workers = [0, 1, 2].map(async (w) => {
    for (let i = w; running; i += 1) {
      const path = paths[i % paths.length]!;
      const at = Date.now(); // when the request was sent: the region the front door chose then
      try {
        // A distinct query each time: the front door caches reads (max-age=5), and a cached answer names the
        // region that served it first, not the one routing chooses now.
        const res = await fetch(`${frontDoor}${path}${path.includes('?') ? '&' : '?'}probe=${w}-${i}`);
        await res.arrayBuffer();
        if (res.status < 200 || res.status > 299) failures.push(`${res.status} ${path}`);
        served.push({ region: res.headers.get('x-meridian-region') ?? '?', at });
      } catch (e) {
        failures.push(`${(e as Error).message} ${path}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  return {
    served,
    failures,
    since: (t: number) => served.filter((s) => s.at >= t).map((s) => s.region),
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'meridian-health-'));
  env = { ...process.env, MERIDIAN_STATE_DIR: stateDir, MERIDIAN_PORT_OFFSET: String(Number(process.env.MERIDIAN_PORT_OFFSET) + 60) };
  cloud = await startCloudProcess({ env, logFile: join(stateDir, 'cloud.log') });
  frontDoor = `http://127.0.0.1:${cloud.config.frontDoor.port}`;
  for (const region of ['us-east-1', 'us-west-2']) {
    await until(`${region} healthy`, async () => ((await regionHealth(region))?.last?.status === 200 ? true : undefined), 60_000);
  }
  const created = await fetch(`${frontDoor}/destinations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Harbour light', location: { lat: 41.14, lon: -8.61 } }) });
  expect(created.status).toBe(202);
  destinationId = ((await created.json()) as { id: string }).id;
  for (const r of cloud.config.regions) {
    await until(`destination in ${r.region}`, async () => ((await fetch(`http://127.0.0.1:${r.local.ports.api}/destinations/${destinationId}`)).status === 200 ? true : undefined), 30_000);
  }
}, 180_000);

afterAll(async () => {
  await cloud?.stop();
  if (process.env.MERIDIAN_KEEP_LOG) copyFileSync(join(stateDir, 'cloud.log'), process.env.MERIDIAN_KEEP_LOG);
  rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

describe('the front door routes on regional health', () => {
  it('a region whose DynamoDB Local stops answers 503 naming the table, and loses all traffic with no failed GET; it comes back once healthy', async () => {
    // The JVM itself, not the shell watchdog around it (local/dynamodb/dynamoDbLocal.ts).
    const jvm = processesMentioning(join(stateDir, 'regions', 'us-east-1', 'dynamodb'))
      .filter((l) => /^\s*\d+\s+\S*java\s/.test(l))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(jvm).toHaveLength(1);
    const east = cloud.config.regions.find((r) => r.region === 'us-east-1')!;
    const load = steadyGets([`/destinations/${destinationId}`, '/search?q=harbour']);
    try {
      await until('traffic on us-east-1', () => (load.since(0).includes('us-east-1') ? true : undefined));
      const stoppedAt = Date.now();
      process.kill(jvm[0]!, 'SIGSTOP');
      const health = await fetch(`http://127.0.0.1:${east.local.ports.api}/health`);
      expect(health.status).toBe(503);
      expect(health.headers.get('cache-control')).toBe('no-store');
      expect(((await health.json()) as { failed: string[] }).failed).toContain('table');
      await until('us-east-1 unhealthy', async () => ((await regionHealth('us-east-1'))?.state === 'unhealthy' ? true : undefined), 30_000);
      const movedAt = Date.now();
      // The front door's own checks name it too (one may first have timed out while the function was busy).
      await until('a check naming the table', async () => ((await regionHealth('us-east-1'))?.last?.failed.includes('table') ? true : undefined), 10_000);
      // Every request sent after the directory said so went to the other region (requests sent to us-east-1
      // before may hang on its stopped table until API Gateway's 29 s timeout, then go on to us-west-2).
      await until('requests sent after the move answered', () => (load.since(movedAt + 100).length >= 10 ? true : undefined), 60_000);
      expect(new Set(load.since(movedAt + 100))).toEqual(new Set(['us-west-2']));
      console.log(`[health] DynamoDB stopped → us-east-1 unhealthy in ${movedAt - stoppedAt} ms (interval ${cloud.config.frontDoor.healthCheckIntervalMs ?? 1000} ms)`);

      process.kill(jvm[0]!, 'SIGCONT');
      await until('us-east-1 healthy again', async () => ((await regionHealth('us-east-1'))?.state === 'healthy' ? true : undefined), 30_000);
      const backAt = Date.now();
      await until('traffic back on us-east-1', () => (load.since(backAt + 100).includes('us-east-1') ? true : undefined));
    } finally {
      process.kill(jvm[0]!, 'SIGCONT');
      await load.stop();
    }
    expect(load.failures).toEqual([]);
  }, 180_000);

  it('`meridian health us-east-1 fail` moves traffic with no failed GET; `pass` brings it back', async () => {
    const load = steadyGets([`/destinations/${destinationId}`, '/search?q=harbour']);
    try {
      await until('traffic on us-east-1', () => (load.since(0).includes('us-east-1') ? true : undefined));
      expect(await meridian('health', 'us-east-1', 'fail')).toContain('failing');
      await until('us-east-1 unhealthy', async () => ((await regionHealth('us-east-1'))?.state === 'unhealthy' ? true : undefined));
      const movedAt = Date.now();
      expect((await regionHealth('us-east-1'))?.last?.failed).toEqual(['drill']);
      expect(await meridian('status')).toMatch(/UNHEALTHY \(failing: drill\)/);
      await until('requests sent after the move answered', () => (load.since(movedAt + 100).length >= 10 ? true : undefined), 60_000);
      expect(new Set(load.since(movedAt + 100))).toEqual(new Set(['us-west-2']));

      await meridian('health', 'us-east-1', 'pass');
      await until('us-east-1 healthy', async () => ((await regionHealth('us-east-1'))?.state === 'healthy' ? true : undefined));
      const backAt = Date.now();
      await until('traffic back on us-east-1', () => (load.since(backAt + 100).includes('us-east-1') ? true : undefined));
    } finally {
      await meridian('health', 'us-east-1', 'pass').catch(() => undefined);
      await load.stop();
    }
    expect(load.failures).toEqual([]);
  }, 60_000);

  it('refuses a drill for an unknown region or state, changing nothing', async () => {
    await expect(meridian('health', 'eu-west-9', 'fail')).rejects.toThrow(/unknown region "eu-west-9"/);
    await expect(meridian('health', 'us-east-1', 'sideways')).rejects.toThrow(/fail or pass/);
    expect((await regionHealth('us-east-1'))?.state).toBe('healthy');
  });
});
