import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCloud } from '../../../../local/test/support/testCloud.js';
import { cloudClients, EAST, eventually, REGIONS, requireDeployed, scanAll, sleep, TABLES, WEST, type Cloud } from './cloudSupport.js';
import { userActions, type UserActions } from './userActions.js';

// Idempotency-Key against the run's local cloud: the real regional APIs, the front door, both regions' tables.
const SLOW = 120_000;
let cloud: Cloud;
let read: UserActions['read'];

beforeAll(async () => {
  const config = await ensureCloud();
  await requireDeployed(config);
  cloud = cloudClients(config);
  ({ read } = userActions(cloud));
});

afterAll(() => cloud?.close());

const keyed = (key: string) => ({ 'content-type': 'application/json', 'idempotency-key': key });
/** The event-store items of one destination in a region's replica. */
const storedEvents = async (region: string, id: string) => (await scanAll(cloud.db[region]!, TABLES.events)).filter((i) => i.partitionKey?.S === id);

describe('commands with an Idempotency-Key', () => {
  it('the same POST twice through the front door with one key: one destination, the same id and answer', async () => {
    const key = randomUUID();
    const first = await cloud.call('front-door', 'POST', '/destinations', { name: 'Once only' }, keyed(key));
    const again = await cloud.call('front-door', 'POST', '/destinations', { name: 'Once only' }, keyed(key));
    expect(first.status).toBe(202);
    expect(again).toEqual(first);
    const id = first.body.id as string;
    expect(await read(WEST, id)).toMatchObject({ id, name: 'Once only' });
    expect((await storedEvents(EAST, id)).map((i) => i.type?.S)).toEqual(['destinationProposed']);
  }, SLOW);

  it('the same key in us-east-1 and us-west-2 one right after the other: one destination, readable in both regions', async () => {
    const key = randomUUID();
    const [east, west] = await Promise.all([
      cloud.call(EAST, 'POST', '/destinations', { name: 'Both sides' }, keyed(key)),
      cloud.call(WEST, 'POST', '/destinations', { name: 'Both sides' }, keyed(key)),
    ]);
    expect([east.status, west.status]).toEqual([202, 202]);
    expect(west.body.id).toBe(east.body.id);
    expect(west.body.eventId).toBe(east.body.eventId);
    const id = east.body.id as string;
    for (const region of REGIONS) expect(await read(region, id)).toMatchObject({ id, name: 'Both sides' });
    // Replication settled: each replica holds the one proposal, under one key.
    await sleep(2_000);
    for (const region of REGIONS) {
      await eventually(`one event for ${id} in ${region}`, async () => ((await storedEvents(region, id)).length === 1 ? true : undefined));
      expect((await storedEvents(region, id)).map((i) => i.eventId?.S)).toEqual([east.body.eventId]);
    }
  }, SLOW);

  it('refuses a hostile key with 400 and stores nothing', async () => {
    const res = await cloud.call(EAST, 'POST', '/destinations', { name: 'Hostile' }, keyed('x'.repeat(500)));
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/Idempotency-Key/);
  }, SLOW);
});
