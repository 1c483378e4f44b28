import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_EVENT_TYPES, VALIDATION_EVENT_TYPES } from '../../src/domain/events.js';
import { callApi, eventually, publishedEvents, scanAll, sleep, startHarness, type DeployedStage, type Harness } from '../support/regionHarness.js';

// Two local regions as region hosts run them, with global-table replication between their DynamoDB Local
// instances and the service deployed into each by the local deployer, in both global-table modes: the
// origin filter, the one-event-per-write count and the convergence of concurrent updates.
const EAST = 'us-east-1';
const WEST = 'us-west-2';
const REGIONS = [EAST, WEST];
let h: Harness;

beforeAll(async () => {
  h = await startHarness(REGIONS);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe.each(['current', 'legacy'] as const)('two regions, %s global tables', (mode) => {
  let stage: DeployedStage;
  const api = (region: string, method: string, path: string, body?: unknown) => callApi(h.regions[region]!, method, path, body);
  const published = () => REGIONS.flatMap((r) => publishedEvents(h.regions[r]!, stage.streamName).map((e) => ({ ...e, streamRegion: r })));
  const readIn = (region: string, id: string, until: (body: Record<string, unknown>) => boolean) =>
    eventually(`${id} in ${region}`, async () => {
      const res = await api(region, 'GET', `/destinations/${id}`);
      return res.status === 200 && until(res.body) ? res.body : undefined;
    });

  beforeAll(async () => {
    stage = await h.deploy(`it-${mode}`, { globalTables: mode });
  }, 120_000);

  it('proposed in us-east-1 is read in us-west-2 as locationValidated, or failed for impossible coordinates', async () => {
    const valid = (await api(EAST, 'POST', '/destinations', { name: 'Porto', location: { lat: 41.1579, lon: -8.6291 } })).body.id as string;
    const invalid = (await api(EAST, 'POST', '/destinations', { name: 'Atlantis', location: { lat: -95, lon: 200 } })).body.id as string;
    expect(await readIn(WEST, valid, (b) => b.status === 'locationValidated')).toMatchObject({ name: 'Porto', updatedIn: EAST });
    expect(await readIn(WEST, invalid, (b) => b.status === 'failed')).toMatchObject({ name: 'Atlantis' });
  });

  it('every write is published exactly once, system-wide, by the region that took it', async () => {
    const ids: Record<string, string[]> = { [EAST]: [], [WEST]: [] };
    let commands = 0;
    let located = 0;
    for (let i = 0; i < 6; i++) {
      const region = REGIONS[i % 2]!;
      const res = await api(region, 'POST', '/destinations', { name: `P${i}`, ...(i % 3 === 0 ? {} : { location: { lat: i, lon: -i } }) });
      expect(res.status).toBe(202);
      ids[region]!.push(res.body.id as string);
      commands++;
      if (i % 3 !== 0) located++;
    }
    // Updates and a removal in the region that did NOT take the proposal, once it has replicated there.
    for (const [from, to] of [[EAST, WEST], [WEST, EAST]] as const) {
      for (const id of ids[from]!) {
        await eventually(`${id} known in ${to}`, async () => ((await api(to, 'PUT', `/destinations/${id}`, { location: { lat: 10, lon: 10 } })).status === 202 ? true : undefined));
        commands++;
        located++;
      }
      expect((await api(to, 'DELETE', `/destinations/${ids[from]![0]}`)).status).toBe(202);
      commands++;
    }
    // Counted per destination created here: events of earlier tests may still be on their way.
    const mine = new Set(Object.values(ids).flat());
    const fresh = () => published().filter((e) => mine.has(e.partitionKey));
    await eventually('every command and answer published', () => (fresh().length >= commands + located ? true : undefined), 30_000);
    await sleep(1_000); // room for any duplicate to show up
    const events = fresh();
    const commandEvents = events.filter((e) => (COMMAND_EVENT_TYPES as readonly string[]).includes(e.type));
    const answers = events.filter((e) => (VALIDATION_EVENT_TYPES as readonly string[]).includes(e.type));
    expect(commandEvents).toHaveLength(commands);
    expect(answers, JSON.stringify(answers.map((a) => [a.id, (a as { validates?: unknown }).validates, a.streamRegion, a.tags.region]))).toHaveLength(located);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    // Published on the stream of the region that took the command (or ran the validator), nowhere else.
    expect(events.every((e) => e.streamRegion === e.tags.region)).toBe(true);
  });

  it('concurrent updates of one destination in both regions leave identical read models, built from all events', async () => {
    const id = (await api(EAST, 'POST', '/destinations', { name: 'Both' })).body.id as string;
    await readIn(WEST, id, () => true);
    await eventually('known to both event stores', async () => ((await api(WEST, 'PUT', `/destinations/${id}`, { description: 'warm-up' })).status === 202 ? true : undefined));
    for (let round = 0; round < 5; round++) {
      const [e, w] = await Promise.all([
        api(EAST, 'PUT', `/destinations/${id}`, { name: `East ${round}`, location: { lat: round, lon: 1 } }),
        api(WEST, 'PUT', `/destinations/${id}`, { name: `West ${round}`, location: { lat: round, lon: 2 } }),
      ]);
      expect([e.status, w.status]).toEqual([202, 202]);
    }
    // 1 proposal + 1 warm-up + 10 updates + 10 answers.
    let last: unknown;
    const items = await eventually('identical and complete in both regions', async () => {
      const [east, west] = await Promise.all(REGIONS.map(async (r) => (await scanAll(h.regions[r]!, stage.readModelTable)).find((i) => i.id?.S === id)));
      last = { east, west };
      return east && west && east.eventCount?.N === '22' && isDeepStrictEqual(east, west) ? { east, west } : undefined;
    }, 30_000).catch((e: Error) => {
      const history = REGIONS.map((r) => publishedEvents(h.regions[r]!, stage.streamName).filter((x) => x.partitionKey === id).map((x) => [x.type, x.id.slice(-6), x.timestamp, x.tags.region, x.validates]));
      throw new Error(`${e.message}\nlast: ${JSON.stringify(last)}\npublished: ${JSON.stringify(history)}`);
    });
    await sleep(1_000);
    const [eastAfter, westAfter] = await Promise.all([api(EAST, 'GET', `/destinations/${id}`), api(WEST, 'GET', `/destinations/${id}`)]);
    expect(eastAfter.body).toEqual(westAfter.body);
    // The later of the last two updates wins, and its location has been answered.
    expect(eastAfter.body.status).toBe('locationValidated');
    expect(['East 4', 'West 4']).toContain(eastAfter.body.name);
    expect(items.east.status?.S).toBe('locationValidated');
  });

  it('updates of one destination on both sides of a replication pause converge on all events, not just on one side', async () => {
    const id = (await api(EAST, 'POST', '/destinations', { name: 'Split' })).body.id as string;
    await readIn(WEST, id, () => true);
    await eventually('known to both event stores', async () => ((await api(WEST, 'PUT', `/destinations/${id}`, { description: 'before the pause' })).status === 202 ? true : undefined));
    await readIn(EAST, id, (b) => b.description === 'before the pause');
    h.replicator.setAvailable(WEST, false);
    try {
      expect((await api(EAST, 'PUT', `/destinations/${id}`, { name: 'East side' })).status).toBe(202);
      await sleep(5);
      expect((await api(WEST, 'PUT', `/destinations/${id}`, { description: 'west side' })).status).toBe(202);
      // Each side's builder has built from what its side knows.
      await readIn(EAST, id, (b) => b.name === 'East side');
      await readIn(WEST, id, (b) => b.description === 'west side');
    } finally {
      h.replicator.setAvailable(WEST, true);
    }
    // Whichever side's item replication keeps, the result must hold both updates.
    for (const region of REGIONS) {
      expect(await readIn(region, id, (b) => b.name === 'East side' && b.description === 'west side')).toMatchObject({ name: 'East side', description: 'west side' });
    }
    const [east, west] = await eventually('identical items', async () => {
      const items = await Promise.all(REGIONS.map(async (r) => (await scanAll(h.regions[r]!, stage.readModelTable)).find((i) => i.id?.S === id)));
      return isDeepStrictEqual(items[0], items[1]) ? items : undefined;
    });
    expect(east?.eventCount).toEqual({ N: '4' });
    expect(west).toEqual(east);
  });

  it.runIf(mode === 'legacy')('legacy tables carry aws:rep:updateregion naming the origin, and the filter still publishes once', async () => {
    const id = (await api(WEST, 'POST', '/destinations', { name: 'Legacy' })).body.id as string;
    const item = await eventually('the replica in us-east-1', async () => (await scanAll(h.regions[EAST]!, stage.eventsTable)).find((i) => i.partitionKey?.S === id && i['aws:rep:updateregion']));
    expect(item['aws:rep:updateregion']).toEqual({ S: WEST });
    await sleep(1_000);
    expect(published().filter((e) => e.partitionKey === id).map((e) => e.streamRegion)).toEqual([WEST]);
  });

  it('no record became a fault', () => {
    for (const r of REGIONS) expect(h.regions[r]!.services.functions.faults()).toEqual([]);
  });
});
