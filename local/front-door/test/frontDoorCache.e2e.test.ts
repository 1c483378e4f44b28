import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeridianConfig } from '../../../regions/config.js';
import { CONTROL_TOKEN_HEADER, readControlToken } from '../../control/controlToken.js';
import { meridian } from '../../test/support/cloudProcess.js';
import { apiBase } from '../../test/support/regionClients.js';
import { ensureCloud } from '../../test/support/testCloud.js';

/*
 * The cache of the local cloud's front door, against a real region: the counter service answers how
 * many requests reached its worker, so "the second GET never reached the region" is counted there.
 */
const COUNTER = fileURLToPath(new URL('./fixtures/counter', import.meta.url));
const EAST = 'us-east-1';
let config: MeridianConfig;

interface Counted {
  status: number;
  xCache: string | null;
  age: string | null;
  body: { reached: number; worker: string };
}

async function call(base: string, method: string, path: string): Promise<Counted> {
  const res = await fetch(`${base}${path}`, { method, ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}) });
  return { status: res.status, xCache: res.headers.get('x-cache'), age: res.headers.get('age'), body: (await res.json()) as Counted['body'] };
}

async function invalidate(paths: string[]): Promise<Response> {
  return fetch(`${apiBase(config, 'front-door')}/_meridian/cloudfront/invalidations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CONTROL_TOKEN_HEADER]: readControlToken(config.stateDir) ?? '' },
    body: JSON.stringify({ InvalidationBatch: { Paths: { Quantity: paths.length, Items: paths }, CallerReference: `e2e-${Date.now()}` } }),
  });
}

beforeAll(async () => {
  config = await ensureCloud();
  await meridian('dp', EAST, COUNTER);
}, 180_000);

afterAll(async () => {
  await meridian('rm', EAST, COUNTER).catch(() => undefined);
});

describe('the local front door caches as Cache-Control allows', () => {
  it('answers a max-age=5 GET asked twice within 5 s from the cache; after an invalidation of its path the region answers again', async () => {
    const frontDoor = apiBase(config, 'front-door');
    const path = `/counter/item-${Date.now()}?cc=public,max-age=5`;
    const first = await call(frontDoor, 'GET', path);
    const second = await call(frontDoor, 'GET', path);
    // Straight to the region, past the front door: it counts one request more than the first reached it with.
    const direct = await call(apiBase(config, EAST), 'GET', path);
    expect(first).toMatchObject({ status: 200, xCache: 'Miss from cloudfront' });
    expect(second).toMatchObject({ status: 200, xCache: 'Hit from cloudfront', body: first.body });
    expect(Number(second.age)).toBeLessThanOrEqual(5);
    expect(direct.body.worker).toBe(first.body.worker);
    expect(direct.body.reached).toBe(first.body.reached + 1);

    const made = await invalidate([path.split('?')[0]!]);
    expect(made.status).toBe(201);
    expect(((await made.json()) as { Invalidation: { Status: string } }).Invalidation.Status).toBe('Completed');
    const after = await call(frontDoor, 'GET', path);
    expect(after.xCache).toBe('Miss from cloudfront');
    expect(after.body.reached).toBe(direct.body.reached + 1);
  }, 60_000);

  it('never caches a POST, whatever its answer says', async () => {
    const frontDoor = apiBase(config, 'front-door');
    const path = `/counter/post-${Date.now()}?cc=public,max-age=60`;
    const first = await call(frontDoor, 'POST', path);
    const second = await call(frontDoor, 'POST', path);
    expect([first.xCache, second.xCache]).toEqual(['Miss from cloudfront', 'Miss from cloudfront']);
    expect(second.body.reached).toBe(first.body.reached + 1);
  }, 60_000);
});
