import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../http/freePort.js';
import { close, listen, sendJson } from '../../http/server.js';
import { HEALTHY_AFTER, HealthDirectory, UNHEALTHY_AFTER } from '../healthDirectory.js';

// Real regions on loopback whose /health answers what the test says; checks are driven with checkAll(), not timers.
interface FakeRegion {
  name: string;
  api: string;
  server: Server;
  answer: 'ok' | 'table-down' | 'hang' | 'no-service';
  up: boolean;
  probes: number;
}

async function startRegion(name: string): Promise<FakeRegion> {
  const port = await freePort();
  const region: FakeRegion = { name, api: `http://127.0.0.1:${port}`, server: createServer(), answer: 'ok', up: true, probes: 0 };
  region.server.on('request', (req, res) => {
    if (req.url !== '/health') return sendJson(res, 404, { message: 'no route' });
    region.probes += 1;
    if (region.answer === 'hang') return;
    if (region.answer === 'no-service') return sendJson(res, 404, { message: `no route for GET /health in ${name}` });
    if (region.answer === 'table-down') return sendJson(res, 503, { region: name, failed: ['table'], checks: { table: { ok: false, ms: 800 } } });
    sendJson(res, 200, { region: name, checks: { table: { ok: true, ms: 2 } } });
  });
  await listen(region.server, port);
  return region;
}

let east: FakeRegion;
let west: FakeRegion;
let directory: HealthDirectory;
const logged: string[] = [];

beforeAll(async () => {
  east = await startRegion('us-east-1');
  west = await startRegion('us-west-2');
});

afterEach(() => directory?.stop());
afterAll(async () => {
  for (const r of [east, west]) if (r) await close(r.server);
});

function watch(timeoutMs = 300) {
  for (const r of [east, west]) Object.assign(r, { answer: 'ok', up: true, probes: 0 });
  logged.length = 0;
  directory = new HealthDirectory({
    regions: [east, west].map((r) => ({ region: r.name, api: r.api, processUp: () => r.up })),
    intervalMs: 60_000, // no timer-driven checks in between: the test calls checkAll()
    timeoutMs,
    log: (line) => logged.push(line),
  });
  return directory;
}

const healthOf = () => directory.originsNearestFirst().map((o) => `${o.region} ${o.health}`);

describe('HealthDirectory', () => {
  it('keeps the configured order, and calls a region healthy while its checks pass', async () => {
    watch();
    await directory.checkAll();
    expect(healthOf()).toEqual(['us-east-1 healthy', 'us-west-2 healthy']);
    expect(east.probes).toBe(1);
  });

  it(`makes a region unhealthy after ${UNHEALTHY_AFTER} failed check, and names what failed`, async () => {
    watch();
    await directory.checkAll();
    east.answer = 'table-down';
    await directory.checkAll();
    expect(healthOf()).toEqual(['us-east-1 unhealthy', 'us-west-2 healthy']);
    expect(directory.report()[0]!.last).toMatchObject({ status: 503, failed: ['table'] });
    expect(logged).toEqual(['us-east-1 is now unhealthy: table failed']);
  });

  it(`brings it back after ${HEALTHY_AFTER} passing checks in a row, not one`, async () => {
    watch();
    east.answer = 'table-down';
    await directory.checkAll();
    east.answer = 'ok';
    await directory.checkAll();
    expect(healthOf()[0]).toBe('us-east-1 unhealthy');
    await directory.checkAll();
    expect(healthOf()[0]).toBe('us-east-1 healthy');
  });

  it('fails open when every region that is up fails its checks, as Route 53 does', async () => {
    watch();
    east.answer = 'table-down';
    west.answer = 'table-down';
    await directory.checkAll();
    expect(healthOf()).toEqual(['us-east-1 healthy', 'us-west-2 healthy']);
    expect(directory.report().map((r) => r.health)).toEqual(['unhealthy', 'unhealthy']);
    west.up = false;
    expect(healthOf()).toEqual(['us-east-1 healthy', 'us-west-2 unhealthy']);
  });

  it('fails a check that does not answer within the timeout', async () => {
    watch(100);
    east.answer = 'hang';
    await directory.checkAll();
    expect(healthOf()[0]).toBe('us-east-1 unhealthy');
    expect(healthOf()[1]).toBe('us-west-2 healthy');
    expect(directory.report()[0]!.last).toMatchObject({ status: 0, error: 'no answer within 100 ms' });
  });

  it('fails a check whose connection is refused', async () => {
    watch();
    const gone = await startRegion('us-east-1');
    await close(gone.server);
    directory = new HealthDirectory({ regions: [{ region: 'us-east-1', api: gone.api, processUp: () => true }, { region: 'us-west-2', api: west.api, processUp: () => true }], intervalMs: 60_000, timeoutMs: 300 });
    await directory.checkAll();
    expect(healthOf()).toEqual(['us-east-1 unhealthy', 'us-west-2 healthy']);
  });

  it('calls a region whose process is down unhealthy at once, without a check, and does not probe it', async () => {
    watch();
    await directory.checkAll();
    west.up = false;
    expect(healthOf()).toEqual(['us-east-1 healthy', 'us-west-2 unhealthy']);
    await directory.checkAll();
    expect(west.probes).toBe(1);
  });

  it('judges a region with no health service deployed (404) by its process alone', async () => {
    watch();
    east.answer = 'no-service';
    await directory.checkAll();
    expect(healthOf()[0]).toBe('us-east-1 healthy');
  });

  it('polls on its own every interval once started', async () => {
    watch();
    directory.stop();
    directory = new HealthDirectory({ regions: [{ region: 'us-east-1', api: east.api, processUp: () => true }], intervalMs: 100 });
    directory.start();
    const until = Date.now() + 5_000;
    while (east.probes < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(east.probes).toBeGreaterThanOrEqual(3);
  });
});
