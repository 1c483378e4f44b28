import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meridian } from '../../../../local/test/support/cloudProcess.js';
import { ensureCloud } from '../../../../local/test/support/testCloud.js';
import {
  allStreamEvents,
  byKey,
  cloudClients,
  EAST,
  eventually,
  redeliver,
  REGIONS,
  requireDeployed,
  scanAll,
  sleep,
  TABLES,
  WEST,
  type Cloud,
} from './cloudSupport.js';
import { userActions, type UserActions } from './userActions.js';

// Against the run's local cloud, which deploys services/destinations into both regions at start:
// the real regional APIs, the front door, the regions' DynamoDB and Kinesis endpoints, the real CLI.
// Generous timeouts: the cloud shares two cores with whatever else runs (waits end as soon as they can).
const SLOW = 120_000;
const OUTAGE = 240_000;
let cloud: Cloud;

let read: UserActions['read'];
let propose: UserActions['propose'];
let command: UserActions['command'];
let runCommands: UserActions['runCommands'];
let expectExactlyOnce: UserActions['expectExactlyOnce'];
const readModelItem = async (region: string, id: string) => (await scanAll(cloud.db[region]!, TABLES.readModel)).find((i) => i.id?.S === id);

beforeAll(async () => {
  const config = await ensureCloud();
  await requireDeployed(config);
  cloud = cloudClients(config);
  ({ read, propose, command, runCommands, expectExactlyOnce } = userActions(cloud));
});

afterAll(async () => {
  await meridian('recover', WEST).catch(() => undefined);
  await meridian('recover', EAST).catch(() => undefined);
  cloud?.close();
});

describe('destinations in the local cloud', () => {
  it('answers in every region and through the front door, naming the region that served', async () => {
    const res = await cloud.call('front-door', 'POST', '/destinations', { name: 'Through the front door' });
    expect(res).toMatchObject({ status: 202, region: EAST, body: { region: EAST } });
    for (const region of REGIONS) {
      const got = await read(region, res.body.id as string);
      expect(got).toMatchObject({ id: res.body.id, name: 'Through the front door', status: 'pending', updatedIn: EAST });
    }
    expect((await cloud.call(WEST, 'GET', '/destinations/00000000-0000-4000-8000-000000000000')).region).toBe(WEST);
  }, SLOW);

  it('proposed in us-east-1 is read in us-west-2 as locationValidated, or failed for impossible coordinates', async () => {
    const porto = await propose(EAST, { name: 'Porto', description: 'by the Douro', location: { lat: 41.1579, lon: -8.6291 } });
    const nowhere = await propose(EAST, { name: 'Nowhere', location: { lat: 91, lon: 181 } });
    expect(await read(WEST, porto, (b) => b.status === 'locationValidated')).toEqual({
      id: porto,
      name: 'Porto',
      description: 'by the Douro',
      location: { lat: 41.1579, lon: -8.6291 },
      status: 'locationValidated',
      updatedAt: expect.any(String),
      updatedIn: EAST,
    });
    expect(await read(WEST, nowhere, (b) => b.status === 'failed')).toMatchObject({ name: 'Nowhere', location: { lat: 91, lon: 181 } });
  }, SLOW);

  it('bad input gets 4xx with a JSON reason and leaves every table in both regions unchanged', async () => {
    const known = await propose(EAST, { name: 'Known' });
    await read(WEST, known);
    await sleep(1_500); // let earlier tests' writes settle, so "unchanged" compares like with like
    const snapshot = async () => ({
      tables: await Promise.all(REGIONS.flatMap((r) => [TABLES.events, TABLES.readModel].map(async (t) => byKey(await scanAll(cloud.db[r]!, t))))),
      stream: (await allStreamEvents(cloud)).length,
    });
    const before = await snapshot();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const bad: [string, string, string, unknown, number, Record<string, string>?][] = [
      [EAST, 'POST', '/destinations', '{"name": "Porto"', 400],
      [WEST, 'POST', '/destinations', { name: ['Porto'] }, 400],
      ['front-door', 'POST', '/destinations', { name: 'x'.repeat(201) }, 400],
      [EAST, 'POST', '/destinations', { name: 'x', description: 'd'.repeat(2001) }, 400],
      [WEST, 'POST', '/destinations', { name: 'x', location: { lat: 1 } }, 400],
      [EAST, 'POST', '/destinations', { name: 'x', location: { lat: 'n', lon: 0 } }, 400],
      [EAST, 'POST', '/destinations', { name: 'x', owner: 'me' }, 400],
      [EAST, 'POST', '/destinations', { name: 'x', description: 'y'.repeat(20_000) }, 413],
      [WEST, 'POST', '/destinations', 'name=x', 415, { 'content-type': 'application/x-www-form-urlencoded' }],
      [EAST, 'PUT', `/destinations/${unknown}`, { name: 'x' }, 404],
      [WEST, 'DELETE', `/destinations/${unknown}`, undefined, 404],
      [EAST, 'PUT', `/destinations/${known}`, { name: 42 }, 400],
      [EAST, 'PUT', `/destinations/${known}`, {}, 400],
      [WEST, 'PUT', '/destinations/not-an-id', { name: 'x' }, 404],
    ];
    for (const [region, method, path, body, status, headers] of bad) {
      const res = await cloud.call(region, method, path, body, headers);
      expect(res.status, `${region} ${method} ${path}`).toBe(status);
      expect(typeof res.body.message, JSON.stringify(res.body)).toBe('string');
    }
    await sleep(1_500); // anything these requests had stored would have replicated and been published by now
    expect(await snapshot()).toEqual(before);
  }, SLOW);

  it('N commands spread over both regions publish exactly N command events in total, each once, by the region that took it', async () => {
    const result = await runCommands({ count: 30 });
    await expectExactlyOnce(result);
  }, SLOW);

  it.each([WEST, EAST])('still exactly N when %s is in outage during the run and recovers after it', async (region) => {
    const result = await runCommands({
      count: 30,
      during: async (i) => {
        if (i === 10) await meridian('outage', region);
        if (i === 22) await meridian('recover', region);
      },
    });
    await expectExactlyOnce(result);
    // Both regions converge on the same read model for every destination of the run.
    for (const id of result.ids) {
      await eventually(`${id} identical in both regions`, async () => {
        const [e, w] = await Promise.all(REGIONS.map((r) => readModelItem(r, id)));
        return e && w && isDeepStrictEqual(e, w) ? true : undefined;
      });
    }
  }, OUTAGE);

  it('concurrent updates of one destination in both regions leave identical read models in both', async () => {
    const id = await propose(EAST, { name: 'Contested', location: { lat: 1, lon: 1 } });
    await read(WEST, id, (b) => b.status === 'locationValidated');
    for (let round = 0; round < 5; round++) {
      const replies = await Promise.all([
        cloud.call(EAST, 'PUT', `/destinations/${id}`, { name: `East ${round}`, location: { lat: 10 + round, lon: 1 } }),
        cloud.call(WEST, 'PUT', `/destinations/${id}`, { name: `West ${round}`, description: `round ${round}`, location: { lat: 20 + round, lon: 2 } }),
      ]);
      expect(replies.map((r) => r.status)).toEqual([202, 202]);
    }
    // 1 proposal + its answer + 10 updates + their 10 answers.
    const items = await eventually('identical items built from all 22 events', async () => {
      const [e, w] = await Promise.all(REGIONS.map((r) => readModelItem(r, id)));
      return e && w && e.eventCount?.N === '22' && isDeepStrictEqual(e, w) ? e : undefined;
    });
    await sleep(1_000);
    const [east, west] = await Promise.all(REGIONS.map((r) => cloud.call(r, 'GET', `/destinations/${id}`)));
    expect(east!.body).toEqual(west!.body);
    expect(east!.body).toMatchObject({ status: 'locationValidated', description: 'round 4' });
    expect(['East 4', 'West 4']).toContain(east!.body.name);
    // Both regions may have written this same view; replication then settles on one region's stamp.
    const { 'meridian:origin': _stamp, ...settled } = (await readModelItem(EAST, id))!;
    const { 'meridian:origin': _first, ...converged } = items;
    expect(settled).toEqual(converged);
  }, SLOW);

  it('delivering every event a second time changes no read model and adds no event', async () => {
    const ids = [await propose(EAST, { name: 'Replayed east', location: { lat: 5, lon: 5 } }), await propose(WEST, { name: 'Replayed west', location: { lat: 95, lon: 5 } })];
    await command(WEST, 'PUT', `/destinations/${ids[0]}`, { description: 'changed' });
    for (const id of ids) await read(EAST, id, (b) => b.status !== 'pending');
    await read(EAST, ids[0]!, (b) => b.description === 'changed');
    await sleep(1_500);
    const mine = (await allStreamEvents(cloud)).filter((e) => ids.includes(e.partitionKey));
    const snapshot = async () => Promise.all(REGIONS.flatMap((r) => [TABLES.events, TABLES.readModel].map(async (t) =>
      byKey((await scanAll(cloud.db[r]!, t)).filter((i) => ids.includes(i.partitionKey?.S ?? i.id?.S ?? ''))))));
    const before = await snapshot();
    for (const event of mine) await redeliver(cloud, event);
    // Each stream has one shard: once a proposal put after the duplicates is validated in its region,
    // both consumers there have been through every duplicate before it.
    const sentinels = await Promise.all(REGIONS.map((r) => propose(r, { name: `sentinel ${r}`, location: { lat: 0, lon: 0 } })));
    for (const [i, r] of REGIONS.entries()) await read(r, sentinels[i]!, (b) => b.status === 'locationValidated');
    await sleep(1_000);
    expect(await snapshot()).toEqual(before);
    const after = (await allStreamEvents(cloud)).filter((e) => ids.includes(e.partitionKey));
    expect(after.length).toBe(mine.length * 2); // the duplicates we put, and nothing published in answer to them
  }, SLOW);
});
