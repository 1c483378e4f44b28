import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { capturingLogger } from '../../../toolkit/test/support/capturingLogger.js';
import { apiGatewayEvent } from '../../../toolkit/test/support/lambdaEvents.js';
import { createApi } from '../../src/app/api.js';
import { createCommands } from '../../src/app/commands.js';
import { createIdempotently, IDEMPOTENCY_TTL_SECONDS } from '../../src/app/idempotency.js';
import { checkIdempotencyKey, MAX_KEY_LENGTH } from '../../src/domain/idempotencyKey.js';
import { timeOrderedId } from '../../src/domain/ids.js';
import { memoryEventStore, memoryIdempotencyStore, memoryReadModel } from '../support/memoryStores.js';

const KEY = '6f1c1e0a-3b7d-4c55-9a51-2f3f4b0e9d11';
const T0 = 1_700_000_000_000;

/** One region: its own event store and idempotency records (pass shared ones to play a replicated table). */
function region(name: string, shared: { events?: ReturnType<typeof memoryEventStore>; records?: ReturnType<typeof memoryIdempotencyStore> } = {}) {
  const store = shared.events ?? memoryEventStore();
  const records = shared.records ?? memoryIdempotencyStore();
  const clock = { now: () => clockMs };
  let clockMs = T0;
  const api = createApi({
    commands: createCommands({ store, region: name, clock, newEventId: timeOrderedId, newDestinationId: () => crypto.randomUUID() }),
    idempotently: createIdempotently(records, clock),
    readModel: memoryReadModel(),
    region: name,
    log: capturingLogger(),
  });
  return { api, store, records, advance: (ms: number) => (clockMs += ms) };
}

const post = (body: unknown, headers: Record<string, string> = {}, authorizer?: Record<string, unknown>): APIGatewayProxyEvent =>
  apiGatewayEvent({
    httpMethod: 'POST',
    path: '/destinations',
    resource: '/destinations',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
    requestContext: { requestId: 'req-1', ...(authorizer ? { authorizer } : {}) },
  });
const put = (id: string, body: unknown, headers: Record<string, string>): APIGatewayProxyEvent =>
  apiGatewayEvent({ httpMethod: 'PUT', path: `/destinations/${id}`, resource: '/destinations/{id}', pathParameters: { id }, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body), requestContext: { requestId: 'req-2' } });
const bodyOf = (r: { body: string }) => JSON.parse(r.body) as Record<string, string>;

describe('Idempotency-Key on commands', () => {
  it('a POST sent twice with one key stores one event and answers the first answer again', async () => {
    const east = region('us-east-1');
    const first = await east.api(post({ name: 'Porto' }, { 'Idempotency-Key': KEY }));
    const again = await east.api(post({ name: 'Porto' }, { 'idempotency-key': KEY }));
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(east.store.events).toHaveLength(1);
    expect(east.records.puts).toBe(1);
  });

  it('without a key every POST is a new destination, as before', async () => {
    const east = region('us-east-1');
    const a = await east.api(post({ name: 'Porto' }));
    const b = await east.api(post({ name: 'Porto' }));
    expect(bodyOf(a).id).not.toBe(bodyOf(b).id);
    expect(east.store.events).toHaveLength(2);
    expect(east.records.puts).toBe(0);
  });

  it('derives the destination and event ids from the key, so another region that has not seen the first names the same destination', async () => {
    const east = region('us-east-1');
    const west = region('us-west-2');
    const a = bodyOf(await east.api(post({ name: 'Porto' }, { 'Idempotency-Key': KEY })));
    const b = bodyOf(await west.api(post({ name: 'Porto' }, { 'Idempotency-Key': KEY })));
    expect(b.id).toBe(a.id);
    expect(b.eventId).toBe(a.eventId);
    // Both replicas hold the item under the same key (partitionKey, eventId): replication makes it one.
    expect([east.store.events[0]!.partitionKey, east.store.events[0]!.id]).toEqual([west.store.events[0]!.partitionKey, west.store.events[0]!.id]);
  });

  it('scopes a key to its caller: another caller with the same key gets its own destination', async () => {
    const east = region('us-east-1');
    const alice = bodyOf(await east.api(post({ name: 'Porto' }, { 'Idempotency-Key': KEY }, { claims: { sub: 'alice' } })));
    const bob = bodyOf(await east.api(post({ name: 'Porto' }, { 'Idempotency-Key': KEY }, { claims: { sub: 'bob' } })));
    expect(bob.id).not.toBe(alice.id);
    expect(east.store.events).toHaveLength(2);
  });

  it('answers 422 and stores nothing when a key comes back with another request', async () => {
    const east = region('us-east-1');
    await east.api(post({ name: 'Porto' }, { 'Idempotency-Key': KEY }));
    const other = await east.api(post({ name: 'Lisbon' }, { 'Idempotency-Key': KEY }));
    expect(other.statusCode).toBe(422);
    expect(bodyOf(other).message).toMatch(/another request/);
    expect(east.store.events).toHaveLength(1);
    expect(east.records.puts).toBe(1);
  });

  it('forgets a key after 24 hours', async () => {
    const east = region('us-east-1');
    await east.api(post({ name: 'Porto' }, { 'Idempotency-Key': KEY }));
    east.advance(IDEMPOTENCY_TTL_SECONDS * 1000);
    const later = await east.api(post({ name: 'Lisbon' }, { 'Idempotency-Key': KEY }));
    expect(later.statusCode).toBe(202);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
  });

  it('keeps no record of an error: a 404 for a destination not replicated yet succeeds when sent again', async () => {
    const events = memoryEventStore();
    const east = region('us-east-1', { events });
    const id = bodyOf(await east.api(post({ name: 'Porto' }))).id!;
    const lagging = region('us-west-2', { records: east.records });
    const early = await lagging.api(put(id, { name: 'Porto!' }, { 'Idempotency-Key': KEY }));
    expect(early.statusCode).toBe(404);
    const caughtUp = region('us-west-2', { events, records: east.records });
    const later = await caughtUp.api(put(id, { name: 'Porto!' }, { 'Idempotency-Key': KEY }));
    expect(later.statusCode).toBe(202);
  });

  it('a PUT retried after its record was lost still stores one event (the derived event id)', async () => {
    const events = memoryEventStore();
    const east = region('us-east-1', { events });
    const id = bodyOf(await east.api(post({ name: 'Porto' }))).id!;
    const first = await east.api(put(id, { name: 'Porto!' }, { 'Idempotency-Key': KEY }));
    const fresh = region('us-east-1', { events }); // no records: as if the first record had not replicated
    const retry = await fresh.api(put(id, { name: 'Porto!' }, { 'Idempotency-Key': KEY }));
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(events.events.filter((e) => e.type === 'destinationUpdated')).toHaveLength(1);
  });

  it.each([
    ['empty', '', /empty/],
    ['too long', 'k'.repeat(MAX_KEY_LENGTH + 1), /limit is 128/],
    ['with spaces', 'a key', /only letters/],
    ['with a quote', 'abc"def', /only letters/],
    ['with a newline', 'abc\ndef', /only letters/],
    ['non-ASCII', 'clé', /only letters/],
  ])('refuses a key %s with 400 and a reason, storing nothing', async (_name, key, reason) => {
    const east = region('us-east-1');
    const res = await east.api(post({ name: 'Porto' }, { 'Idempotency-Key': key }));
    expect(res.statusCode).toBe(400);
    expect(bodyOf(res).message).toMatch(reason);
    expect(east.store.events).toHaveLength(0);
    expect(east.records.puts).toBe(0);
  });

  it('accepts the usual key shapes', () => {
    for (const key of [KEY, '01ARZ3NDEKTSV4RRFFQ69G5FAV', 'dGhpcyBpcyBhIGtleQ==', 'order:42.retry_1~x', 'k'.repeat(MAX_KEY_LENGTH)]) {
      expect(checkIdempotencyKey(key)).toEqual({ ok: true, key });
    }
  });
});
