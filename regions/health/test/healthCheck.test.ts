import { describe, expect, it } from 'vitest';
import { capturingLogger } from '../../../services/toolkit/test/support/capturingLogger.js';
import { checkHealth, type Check } from '../src/healthCheck.js';
import { healthEndpoint } from '../src/healthEndpoint.js';

const ok: Check = async () => {};
const fails = (message: string): Check => async () => { throw new Error(message); };
const never: Check = () => new Promise(() => {});
/** Resolves once every check named has started: proof that they run at once, not one after another. */
function barrier(count: number) {
  let started = 0;
  let release: () => void = () => {};
  const all = new Promise<void>((resolve) => (release = resolve));
  const check: Check = async () => {
    started += 1;
    if (started === count) release();
    await all;
  };
  return check;
}

describe('checkHealth', () => {
  it('runs every check at once: each waits for all the others to have started', async () => {
    const wait = barrier(3);
    const report = await checkHealth({ region: 'us-east-1', timeoutMs: 2_000, checks: { a: wait, b: wait, c: wait } });
    expect(report.failed).toEqual([]);
    expect(Object.values(report.checks).every((c) => c.ok)).toBe(true);
  });

  it('fails a check that does not answer within its timeout, and aborts it, without waiting on it', async () => {
    let aborted = false;
    const hangs: Check = (signal) => new Promise(() => signal.addEventListener('abort', () => (aborted = true)));
    const report = await checkHealth({ region: 'us-east-1', timeoutMs: 50, checks: { table: hangs, bucket: ok } });
    expect(report.failed).toEqual(["table"]);
    expect(report.checks['table']).toMatchObject({ ok: false, error: 'no answer within 50 ms' });
    expect(report.checks['bucket']?.ok).toBe(true);
    expect(aborted).toBe(true);
  });

  it('reports each check’s error and time', async () => {
    let t = 0;
    const report = await checkHealth({ region: 'r', timeoutMs: 100, checks: { stream: fails('ResourceNotFound') }, now: () => (t += 7) });
    expect(report.checks['stream']).toEqual({ ok: false, ms: 7, error: 'ResourceNotFound' });
  });

  it('adds "drill" to the failures while the drill switch is on; an unreadable switch is off', async () => {
    expect((await checkHealth({ region: 'r', timeoutMs: 100, checks: { a: ok }, drill: async () => true })).failed).toEqual(['drill']);
    expect((await checkHealth({ region: 'r', timeoutMs: 100, checks: { a: ok }, drill: () => Promise.reject(new Error('down')) })).failed).toEqual([]);
    // A switch that hangs (its table stopped answering) does not hold the answer past the checks' timeout.
    expect((await checkHealth({ region: 'r', timeoutMs: 50, checks: { a: ok }, drill: () => new Promise(() => {}) })).failed).toEqual([]);
  });
});

describe('healthEndpoint', () => {
  it('answers 200 {region, checks} with no-store when every check passes', async () => {
    const logger = capturingLogger();
    const res = await healthEndpoint({ region: 'us-east-1', timeoutMs: 100, checks: { table: ok, search: ok }, log: logger });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['cache-control']).toBe('no-store');
    const body = JSON.parse(res.body) as { region: string; checks: Record<string, { ok: boolean; ms: number }> };
    expect(body.region).toBe('us-east-1');
    expect(Object.keys(body.checks).sort()).toEqual(['search', 'table']);
    expect(body.checks['table']).toMatchObject({ ok: true, ms: expect.any(Number) });
  });

  it('answers 503 naming what failed, with no-store', async () => {
    const logger = capturingLogger();
    const res = await healthEndpoint({ region: 'us-east-1', timeoutMs: 30, checks: { table: never, bucket: fails('NoSuchBucket'), search: ok }, log: logger });
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['cache-control']).toBe('no-store');
    const body = JSON.parse(res.body) as { message: string; failed: string[]; checks: Record<string, { ok: boolean; error?: string }> };
    expect(body.failed).toEqual(['table', 'bucket']);
    expect(body.message).toBe('us-east-1 is unhealthy: table, bucket failed');
    expect(body.checks['bucket']).toMatchObject({ ok: false, error: 'NoSuchBucket' });
    expect(body.checks['search']?.ok).toBe(true);
  });

  it('answers 503 for a drill and says how to end it', async () => {
    const logger = capturingLogger();
    const res = await healthEndpoint({ region: 'us-west-2', timeoutMs: 100, checks: { table: ok }, drill: async () => true, log: logger });
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ failed: ['drill'], message: expect.stringContaining('meridian health us-west-2 pass') });
  });
});
