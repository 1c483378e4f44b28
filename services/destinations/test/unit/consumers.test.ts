import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { capturingLogger } from '../../../toolkit/test/support/capturingLogger.js';
import { decodeRecords } from '../../src/adapters/kinesisRecords.js';
import { createLocationValidator } from '../../src/app/locationValidator.js';
import { createReadModelBuilder } from '../../src/app/readModelBuilder.js';
import { createReadModelConvergence } from '../../src/app/readModelConvergence.js';
import { project } from '../../src/domain/readModel.js';
import type { DestinationEvent } from '../../src/domain/events.js';
import { answered, DEST, proposed, removed, updated } from '../support/events.js';
import { kinesisRecords } from '../support/kinesisRecords.js';
import { memoryEventStore, memoryReadModel } from '../support/memoryStores.js';

const PORTO = { lat: 41.1579, lon: -8.6291 };

function validator() {
  const store = memoryEventStore();
  const log = capturingLogger();
  const validate = createLocationValidator({ store, region: 'us-east-1', clock: { now: () => 9_000 }, log });
  return { store, log, validate: (...values: unknown[]) => validate(kinesisRecords(...values)) };
}

describe('location validator', () => {
  it('answers a proposal and an update that carry a location, and nothing else', async () => {
    const { store, validate } = validator();
    const out = await validate(
      proposed('p', 1, { location: PORTO }),
      updated('u1', 2, { name: 'no location' }),
      updated('u2', 3, { location: { lat: 91, lon: 0 } }),
      removed('r', 4),
      proposed('p-none', 5),
    );
    expect(out).toEqual({ batchItemFailures: [] });
    expect(store.events.map((e) => [e.type, 'validates' in e ? e.validates : undefined])).toEqual([
      ['geolocationValidationSucceeded', 'p'],
      ['geolocationValidationFailed', 'u2'],
    ]);
    expect(store.events[1]).toMatchObject({ partitionKey: DEST, reason: 'latitude must be between -90 and 90', location: { lat: 91, lon: 0 }, tags: { region: 'us-east-1', user: 'anonymous' } });
  });

  it('answers a redelivered event with the same answer id: the store keeps one answer', async () => {
    const { store, validate } = validator();
    const p = proposed('p', 1, { location: PORTO });
    await validate(p);
    await validate(p, p);
    expect(store.events).toHaveLength(1);
  });

  it('skips (and logs) a record that is not a destination event rather than failing the batch forever', async () => {
    const { store, log, validate } = validator();
    expect(await validate('not json', { type: 'somethingElse' }, proposed('p', 1, { location: PORTO }))).toEqual({ batchItemFailures: [] });
    expect(store.events).toHaveLength(1);
    expect(log.lines.filter((l) => l.level === 'ERROR')).toHaveLength(2);
  });

  it('answers the records after a failed one, and reports each failed one (Lambda resumes from the lowest)', async () => {
    const store = memoryEventStore();
    const failing = { ...store, append: async (event: DestinationEvent) => ('validates' in event && ['p2', 'p4'].includes(event.validates) ? Promise.reject(new Error('throttled')) : store.append(event)) };
    const log = capturingLogger();
    const validate = createLocationValidator({ store: failing, region: 'us-east-1', clock: { now: () => 1 }, log });
    const records = kinesisRecords(...['p1', 'p2', 'p3', 'p4', 'p5'].map((id, i) => proposed(id, i, { location: PORTO })));
    expect(await validate(records)).toEqual({ batchItemFailures: [records[1], records[3]].map((r) => ({ itemIdentifier: r!.kinesis.sequenceNumber })) });
    expect(store.events.map((e) => ('validates' in e ? e.validates : undefined))).toEqual(['p1', 'p3', 'p5']);
    expect(log.lines.filter((l) => l.level === 'WARN').map((l) => l.sequenceNumber)).toEqual([records[1], records[3]].map((r) => r!.kinesis.sequenceNumber));
  });

  it('reports a batch that failed whole record by record, rather than throwing (no bisecting)', async () => {
    const store = memoryEventStore();
    const down = { ...store, append: () => Promise.reject(new Error('DynamoDB is unavailable')) };
    const validate = createLocationValidator({ store: down, region: 'us-east-1', clock: { now: () => 1 }, log: capturingLogger() });
    const records = kinesisRecords(proposed('p1', 1, { location: PORTO }), proposed('p2', 2, { location: PORTO }));
    expect((await validate(records)).batchItemFailures).toHaveLength(2);
  });

  it('reports the record it could not answer, so the batch resumes there', async () => {
    const store = memoryEventStore();
    const validate = createLocationValidator({ store, region: 'us-east-1', clock: { now: () => 1 }, log: capturingLogger() });
    const records = kinesisRecords(proposed('p', 1), proposed('p2', 2, { location: PORTO }));
    store.failNext = new Error('throttled');
    expect(await validate(records)).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.kinesis.sequenceNumber }] });
  });
});

describe('health probes on the event stream (regions/health puts one per check)', () => {
  it('are skipped by both consumers without an error line, while a malformed record still logs one', async () => {
    const probe = { type: 'HealthProbe', region: 'us-east-1', at: '2026-12-06T00:00:00Z' };
    const log = capturingLogger();
    const validate = createLocationValidator({ store: memoryEventStore(), region: 'us-east-1', clock: { now: () => 1 }, log });
    expect(await validate(kinesisRecords(probe))).toEqual({ batchItemFailures: [] });
    const build = createReadModelBuilder({ events: memoryEventStore(), readModel: memoryReadModel(), log });
    await build(decodeRecords(kinesisRecords(probe)));
    expect(log.lines.filter((l) => l.level === 'ERROR')).toEqual([]);
    await build(decodeRecords(kinesisRecords({ type: 'Nonsense' })));
    expect(log.lines.filter((l) => l.level === 'ERROR')).toHaveLength(1);
  });
});

describe('read-model builder', () => {
  function builder() {
    const events = memoryEventStore();
    const readModel = memoryReadModel();
    const build = createReadModelBuilder({ events, readModel, log: capturingLogger() });
    return { events, readModel, build: (...values: unknown[]) => build(decodeRecords(kinesisRecords(...values))) };
  }

  it('builds the view from the destination history, which may hold events the batch does not', async () => {
    const { events, readModel, build } = builder();
    const history = [proposed('p', 1, { location: PORTO }), updated('u-west', 2, { name: 'Gaia' }, 'us-west-2')];
    for (const e of history) await events.append(e);
    await build(history[0]);
    expect(readModel.items.get(DEST)).toMatchObject({ name: 'Gaia', status: 'pending', eventCount: 2 });
  });

  it('folds the delivered events in even when this replica has not got them yet', async () => {
    const { readModel, build } = builder();
    await build(proposed('p', 1, { location: PORTO }), answered('a', 2, 'p', PORTO));
    expect(readModel.items.get(DEST)).toMatchObject({ status: 'locationValidated', eventCount: 2 });
  });

  it('delivering every event again writes nothing', async () => {
    const { events, readModel, build } = builder();
    const history = [proposed('p', 1, { location: PORTO }), answered('a', 2, 'p', PORTO), updated('u', 3, { description: 'd' })];
    for (const e of history) await events.append(e);
    await build(...history);
    const before = structuredClone(readModel.items.get(DEST));
    const writes = readModel.writes;
    await build(...history);
    await build(history[0], history[0]);
    expect(readModel.writes).toBe(writes);
    expect(readModel.items.get(DEST)).toEqual(before);
    expect(before).toEqual(project(history));
  });

  it('on a failure reports the first record of that destination, so it is rebuilt on redelivery', async () => {
    const { events, build } = builder();
    events.failNext = new Error('timeout');
    expect((await build(proposed('p', 1))).batchItemFailures).toHaveLength(1);
  });
});

describe('read-model convergence', () => {
  const image = (keys: Record<string, string>, origin: string) => ({
    ...Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, { S: v }])),
    'meridian:origin': { S: origin },
  });
  let seq = 0;
  const record = (eventName: DynamoDBRecord['eventName'], newImage: Record<string, { S: string }>): DynamoDBRecord => ({ eventName, dynamodb: { NewImage: newImage, SequenceNumber: String(++seq) } });

  function setup() {
    const events = memoryEventStore();
    const readModel = memoryReadModel();
    const converge = createReadModelConvergence({ events, readModel, region: 'us-west-2', log: capturingLogger() });
    return { events, readModel, converge };
  }

  it('rebuilds when another region\'s event arrives for a destination this region also changed, from everything it holds', async () => {
    const { events, readModel, converge } = setup();
    for (const e of [proposed('p', 1, { location: PORTO }), updated('u', 2, { name: 'Gaia' }, 'us-west-2'), answered('a', 3, 'p', PORTO)]) await events.append(e);
    await converge([record('INSERT', image({ partitionKey: DEST, eventId: 'a' }, 'us-east-1'))]);
    expect(readModel.items.get(DEST)).toMatchObject({ name: 'Gaia', status: 'locationValidated', eventCount: 3 });
  });

  it('repairs a replicated read-model item that lacks events this region holds', async () => {
    const { events, readModel, converge } = setup();
    const all = [proposed('p', 1), updated('u-east', 2, { name: 'East' }), updated('u-west', 3, { name: 'West' }, 'us-west-2')];
    for (const e of all) await events.append(e);
    // What replication left here: the east builder's item, built before the west update reached it.
    await readModel.save(project(all.slice(0, 2))!);
    await converge([record('MODIFY', image({ id: DEST }, 'us-east-1'))]);
    expect(readModel.items.get(DEST)).toEqual(project(all));
  });

  it('leaves destinations this region never changed to the regions that did', async () => {
    const { events, readModel, converge } = setup();
    for (const e of [proposed('p', 1, { location: PORTO }), answered('a', 2, 'p', PORTO)]) await events.append(e);
    await converge([record('INSERT', image({ partitionKey: DEST, eventId: 'a' }, 'us-east-1'))]);
    await converge([record('MODIFY', image({ id: DEST }, 'us-east-1'))]);
    expect(readModel.writes).toBe(0);
  });

  it('ignores this region\'s own writes, unstamped items and REMOVEs, and writes nothing when already current', async () => {
    const { events, readModel, converge } = setup();
    await events.append(proposed('p', 1, {}, 'us-west-2'));
    await converge([
      record('INSERT', image({ partitionKey: DEST }, 'us-west-2')),
      record('INSERT', { partitionKey: { S: DEST } }),
      record('REMOVE', image({ id: DEST }, 'us-east-1')),
    ]);
    expect(readModel.writes).toBe(0);
    await converge([record('INSERT', image({ partitionKey: DEST }, 'us-east-1'))]);
    await converge([record('MODIFY', image({ id: DEST }, 'us-east-1'))]);
    expect(readModel.writes).toBe(1);
  });

  it('on legacy tables reads the origin from aws:rep:updateregion', async () => {
    const { events, readModel, converge } = setup();
    await events.append(proposed('p', 1, {}, 'us-west-2'));
    const legacy = { partitionKey: { S: DEST }, 'meridian:origin': { S: 'us-west-2' }, 'aws:rep:updateregion': { S: 'us-east-1' } };
    await converge([record('INSERT', legacy)]);
    expect(readModel.writes).toBe(1);
  });
});
