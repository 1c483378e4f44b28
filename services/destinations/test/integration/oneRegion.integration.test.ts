import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_EVENT_TYPES } from '../../src/domain/events.js';
import { MAX_BODY_BYTES } from '../../src/http/requestBody.js';
import { callApi, eventually, publishedEvents, scanAll, startHarness, type DeployedStage, type Harness, type HarnessRegion } from '../support/regionHarness.js';

// One local region as a region host runs it, the service deployed into it by the local deployer from its
// serverless.yml; requests go through the region's API endpoint (API Gateway proxy events).
const REGION = 'us-east-1';
let h: Harness;
let east: HarnessRegion;
let stage: DeployedStage;

const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => callApi(east, method, path, body, headers);
const published = () => publishedEvents(east, stage.streamName);
const triggerName = () => stage.functions.trigger!;
const commandEvents = () => published().filter((e) => (COMMAND_EVENT_TYPES as readonly string[]).includes(e.type));
const readModel = (id: string) =>
  eventually(`GET ${id}`, async () => {
    const res = await api('GET', `/destinations/${id}`);
    return res.status === 200 ? res.body : undefined;
  });

beforeAll(async () => {
  h = await startHarness([REGION]);
  east = h.regions[REGION]!;
  stage = await h.deploy('it');
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('destinations in one region, on real components', () => {
  it('a proposal is stored, published once, validated and readable', async () => {
    const res = await api('POST', '/destinations', { name: 'Porto', description: 'by the river', location: { lat: 41.1579, lon: -8.6291 } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ region: REGION });
    const id = res.body.id as string;
    const view = await eventually('validated', async () => {
      const body = await readModel(id);
      return body.status === 'locationValidated' ? body : undefined;
    });
    expect(view).toEqual({ id, name: 'Porto', description: 'by the river', location: { lat: 41.1579, lon: -8.6291 }, status: 'locationValidated', updatedAt: expect.any(String), updatedIn: REGION });
    // The read model may show the answer before it is on the stream: the builder folds what the store holds.
    const events = await eventually('both events published', () => {
      const mine = published().filter((e) => e.partitionKey === id);
      return mine.length >= 2 ? mine : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(['destinationProposed', 'geolocationValidationSucceeded']);
    expect(events.every((e) => e.recordPartitionKey === id && e.tags.region === REGION && e.tags.user === 'anonymous')).toBe(true);
  });

  it('impossible coordinates end as status failed', async () => {
    const res = await api('POST', '/destinations', { name: 'Nowhere', location: { lat: 123, lon: 0 } });
    const id = res.body.id as string;
    expect(await eventually('failed', async () => ((await readModel(id)).status === 'failed' ? true : undefined))).toBe(true);
  });

  it('bad input gets 4xx with a JSON reason and leaves every table and the stream unchanged', async () => {
    const known = (await api('POST', '/destinations', { name: 'Known' })).body.id as string;
    await readModel(known);
    await eventually('quiet stream', async () => (published().length === commandEvents().length + 2 ? true : undefined)); // two answers so far
    const before = {
      events: await scanAll(east, stage.eventsTable),
      readModel: await scanAll(east, stage.readModelTable),
      stream: published().length,
    };
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, unknown, number, Record<string, string>?][] = [
      ['POST', '/destinations', '{"name": ', 400],
      ['POST', '/destinations', { name: 12 }, 400],
      ['POST', '/destinations', { name: '' }, 400],
      ['POST', '/destinations', { name: 'x'.repeat(201) }, 400],
      ['POST', '/destinations', { name: 'x', description: 'd'.repeat(2001) }, 400],
      ['POST', '/destinations', { name: 'x', location: { lat: 'north', lon: 0 } }, 400],
      ['POST', '/destinations', { name: 'x', location: { lat: 1e400, lon: 0 } }, 400],
      ['POST', '/destinations', { name: 'x', rating: 5 }, 400],
      ['POST', '/destinations', { name: 'x', description: 'y'.repeat(MAX_BODY_BYTES) }, 413],
      ['POST', '/destinations', 'name=x', 415, { 'content-type': 'text/plain' }],
      ['PUT', `/destinations/${unknown}`, { name: 'x' }, 404],
      ['DELETE', `/destinations/${unknown}`, undefined, 404],
      ['PUT', `/destinations/${known}`, { name: null }, 400],
      ['PUT', `/destinations/${known}`, [], 400],
      ['GET', `/destinations/${unknown}`, undefined, 404],
      ['GET', '/destinations/not-an-id', undefined, 404],
    ];
    for (const [method, path, body, status, headers] of cases) {
      const res = await api(method, path, typeof body === 'string' && body.startsWith('{') ? body : body, headers);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)?.slice(0, 60)}`).toBe(status);
      expect(typeof res.body.message).toBe('string');
    }
    await new Promise((r) => setTimeout(r, 500)); // anything that was going to be published would be by now
    expect(await scanAll(east, stage.eventsTable)).toEqual(before.events);
    expect(await scanAll(east, stage.readModelTable)).toEqual(before.readModel);
    expect(published()).toHaveLength(before.stream);
  });

  it('a record stamped with the other region publishes nothing; this region\'s writes publish exactly once', async () => {
    const foreignId = '11111111-1111-4111-8111-111111111111';
    const foreign = { id: 'f-1', type: 'destinationProposed', timestamp: Date.now(), partitionKey: foreignId, tags: { region: 'us-west-2', user: 'anonymous' }, destination: { id: foreignId, name: 'From the west' } };
    // What a replicated write from us-west-2 looks like in this region's table.
    await east.db.send(new PutItemCommand({
      TableName: stage.eventsTable,
      Item: {
        partitionKey: { S: foreignId },
        eventId: { S: 'f-1' },
        type: { S: 'destinationProposed' },
        timestamp: { N: String(foreign.timestamp) },
        event: { S: JSON.stringify(foreign) },
        'meridian:origin': { S: 'us-west-2' },
      },
    }));
    // A write of this region after it: once that is published, the trigger has passed the foreign record.
    const sentinel = (await api('POST', '/destinations', { name: 'Sentinel' })).body.id as string;
    await eventually('the sentinel published', () => (published().some((e) => e.partitionKey === sentinel) ? true : undefined));
    expect(published().filter((e) => e.partitionKey === foreignId)).toEqual([]);
  });

  it('a trigger batch delivered again (not checkpointed, e.g. a region paused mid-batch) publishes nothing twice', async () => {
    const id = (await api('POST', '/destinations', { name: 'Once' })).body.id as string;
    await eventually('published', () => (published().some((e) => e.partitionKey === id) ? true : undefined));
    const item = (await scanAll(east, stage.eventsTable)).find((i) => i.partitionKey?.S === id)!;
    const ledgerEntry = () => scanAll(east, stage.publishedTable).then((items) => items.find((i) => i.eventId?.S === item.eventId?.S));
    await eventually('the ledger entry', async () => ((await ledgerEntry())?.state?.S === 'published' ? true : undefined));
    const before = published().length;
    const redelivered = { Records: [{ eventID: 'again', eventName: 'INSERT', awsRegion: REGION, dynamodb: { NewImage: item, SequenceNumber: '1' } }] };
    expect(await east.services.functions.invoke(triggerName(), redelivered)).toEqual({ batchItemFailures: [] });
    expect(published()).toHaveLength(before);

    // The put landed but its confirmation was lost (the region went away in between): the trigger
    // finds the record on the stream instead of publishing it again.
    await east.db.send(new PutItemCommand({ TableName: stage.publishedTable, Item: { eventId: item.eventId!, state: { S: 'claimed' }, claimedAt: { N: String(Date.now() - 3_000) }, expiresAt: { N: '9999999999' } } }));
    expect(await east.services.functions.invoke(triggerName(), redelivered)).toEqual({ batchItemFailures: [] });
    expect(published()).toHaveLength(before);
    expect((await ledgerEntry())?.state).toEqual({ S: 'published' });
  });

  it('a claimed event that never reached the stream is published once on redelivery', async () => {
    const destination = '22222222-2222-4222-8222-222222222222';
    const event = { id: '01a20000-0000-7000-8000-000000000001', type: 'destinationProposed', timestamp: Date.now(), partitionKey: destination, tags: { region: REGION, user: 'anonymous' }, destination: { id: destination, name: 'Claimed' } };
    // An earlier attempt claimed it and then failed before its put.
    await east.db.send(new PutItemCommand({ TableName: stage.publishedTable, Item: { eventId: { S: event.id }, state: { S: 'claimed' }, claimedAt: { N: String(Date.now()) }, expiresAt: { N: '9999999999' } } }));
    await east.db.send(new PutItemCommand({
      TableName: stage.eventsTable,
      Item: { partitionKey: { S: destination }, eventId: { S: event.id }, type: { S: event.type }, timestamp: { N: String(event.timestamp) }, event: { S: JSON.stringify(event) }, 'meridian:origin': { S: REGION } },
    }));
    await eventually('published', () => (published().some((e) => e.partitionKey === destination) ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    expect(published().filter((e) => e.partitionKey === destination)).toHaveLength(1);
  });

  it('N commands publish exactly N command events, one per write, each once', async () => {
    const before = commandEvents().length;
    const ids: string[] = [];
    let commands = 0;
    for (let i = 0; i < 10; i++) {
      const res = await api('POST', '/destinations', { name: `Place ${i}`, location: { lat: i, lon: i } });
      expect(res.status).toBe(202);
      ids.push(res.body.id as string);
      commands++;
    }
    for (const id of ids.slice(0, 5)) {
      expect((await api('PUT', `/destinations/${id}`, { description: 'updated' })).status).toBe(202);
      commands++;
    }
    for (const id of ids.slice(0, 2)) {
      expect((await api('DELETE', `/destinations/${id}`)).status).toBe(202);
      commands++;
    }
    await eventually(`${commands} command events`, () => (commandEvents().length >= before + commands ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    const events = commandEvents().slice(before);
    expect(events).toHaveLength(commands);
    expect(new Set(events.map((e) => e.id)).size).toBe(commands);
    const all = published();
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    // Removed destinations read as 404.
    await eventually('removed', async () => ((await api('GET', `/destinations/${ids[0]}`)).status === 404 ? true : undefined));
  });

  it('delivering every event a second time changes no read model and adds no event', async () => {
    const everything = published();
    await eventually('read models settled', async () => {
      const items = await scanAll(east, stage.readModelTable);
      // A removal can land before the answer to the location it had: that tombstone stays pending.
      const waiting = items.filter((i) => i.status?.S === 'pending' && i.location && !i.removed?.BOOL);
      if (items.length > 0 && waiting.length === 0) return true;
      throw new Error(`pending: ${JSON.stringify(waiting)}`);
    }, 40_000);
    const before = { events: await scanAll(east, stage.eventsTable), readModel: await scanAll(east, stage.readModelTable) };
    for (const event of everything) {
      const { recordPartitionKey, ...original } = event;
      await east.kinesis.send(new PutRecordCommand({ StreamName: stage.streamName, PartitionKey: recordPartitionKey, Data: new TextEncoder().encode(JSON.stringify(original)) }));
    }
    // One shard: once a later sentinel proposal is validated and readable, every duplicate before it was consumed.
    const sentinel = (await api('POST', '/destinations', { name: 'After the replay', location: { lat: 1, lon: 1 } })).body.id as string;
    await eventually('sentinel validated', async () => ((await readModel(sentinel)).status === 'locationValidated' ? true : undefined));
    const without = (items: Awaited<ReturnType<typeof scanAll>>) => items.filter((i) => i.partitionKey?.S !== sentinel && i.id?.S !== sentinel);
    expect(without(await scanAll(east, stage.eventsTable))).toEqual(before.events);
    expect(without(await scanAll(east, stage.readModelTable))).toEqual(before.readModel);
    expect(east.services.functions.faults()).toEqual([]);
  });
});
