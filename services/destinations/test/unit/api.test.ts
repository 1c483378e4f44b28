import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { capturingLogger } from '../../../toolkit/test/support/capturingLogger.js';
import { apiGatewayEvent } from '../../../toolkit/test/support/lambdaEvents.js';
import { createApi } from '../../src/app/api.js';
import { createCommands } from '../../src/app/commands.js';
import { timeOrderedId } from '../../src/domain/ids.js';
import { MAX_BODY_BYTES } from '../../src/http/requestBody.js';
import { memoryEventStore, memoryIdempotencyStore, memoryReadModel } from '../support/memoryStores.js';
import { createIdempotently } from '../../src/app/idempotency.js';
import { project } from '../../src/domain/readModel.js';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function setup() {
  const store = memoryEventStore();
  const readModel = memoryReadModel();
  const log = capturingLogger();
  let n = 0;
  const api = createApi({
    commands: createCommands({ store, region: 'us-east-1', clock: { now: () => 1_700_000_000_000 + n }, newEventId: timeOrderedId, newDestinationId: () => (n++ === 0 ? ID : `id-${n}`) }),
    idempotently: createIdempotently(memoryIdempotencyStore(), { now: () => 1_700_000_000_000 }),
    readModel,
    region: 'us-east-1',
    log,
  });
  return { api, store, readModel, log };
}

const request = (httpMethod: string, path: string, body?: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }): APIGatewayProxyEvent => {
  const id = /^\/destinations\/(.+)$/.exec(path)?.[1];
  return apiGatewayEvent({
    httpMethod,
    path,
    resource: id ? '/destinations/{id}' : '/destinations',
    headers,
    pathParameters: id ? { id } : null,
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: { requestId: 'req-1' },
  });
};
const bodyOf = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;

describe('destinations API', () => {
  it('POST stores one destinationProposed event and answers 202 {id, region}', async () => {
    const { api, store } = setup();
    const res = await api(request('POST', '/destinations', { name: 'Porto', location: { lat: 41.1, lon: -8.6 } }));
    expect(res.statusCode).toBe(202);
    expect(bodyOf(res)).toMatchObject({ id: ID, region: 'us-east-1' });
    expect(res.headers).toMatchObject({ 'x-meridian-region': 'us-east-1', 'cache-control': 'no-store' });
    expect(store.events).toHaveLength(1);
    expect(store.events[0]).toMatchObject({
      type: 'destinationProposed',
      partitionKey: ID,
      tags: { region: 'us-east-1', user: 'anonymous' },
      destination: { id: ID, name: 'Porto', location: { lat: 41.1, lon: -8.6 } },
    });
  });

  it('carries the authorizer subject as tags.user once there is one', async () => {
    const { api, store } = setup();
    const event = request('POST', '/destinations', { name: 'Porto' });
    event.requestContext.authorizer = { claims: { sub: 'user-42' } };
    await api(event);
    expect(store.events[0]?.tags.user).toBe('user-42');
  });

  it('PUT and DELETE of a known destination store one event each; afterwards it is gone for both', async () => {
    const { api, store } = setup();
    await api(request('POST', '/destinations', { name: 'Porto' }));
    expect((await api(request('PUT', `/destinations/${ID}`, { description: 'by the river' }))).statusCode).toBe(202);
    expect((await api(request('DELETE', `/destinations/${ID}`))).statusCode).toBe(202);
    expect(store.events.map((e) => e.type)).toEqual(['destinationProposed', 'destinationUpdated', 'destinationRemoved']);
    expect(store.events[1]).toMatchObject({ destination: { id: ID, description: 'by the river' } });
    expect((await api(request('PUT', `/destinations/${ID}`, { name: 'x' }))).statusCode).toBe(404);
    expect((await api(request('DELETE', `/destinations/${ID}`))).statusCode).toBe(404);
    expect(store.events).toHaveLength(3);
  });

  it.each([
    ['malformed JSON', request('POST', '/destinations', '{"name": "Porto"'), 400, /not valid JSON/],
    ['an empty body', request('POST', '/destinations'), 400, /empty/],
    ['a wrong type', request('POST', '/destinations', { name: 7 }), 400, /name must be a string/],
    ['an unknown field', request('POST', '/destinations', { name: 'P', extra: true }), 400, /unknown field "extra"/],
    ['an oversize body', request('POST', '/destinations', { name: 'P', description: 'x'.repeat(MAX_BODY_BYTES) }), 413, /limit is 16384/],
    ['a form body', request('POST', '/destinations', 'name=Porto', { 'content-type': 'application/x-www-form-urlencoded' }), 415, /application\/json/],
    ['PUT of an unknown id', request('PUT', `/destinations/${ID}`, { name: 'P' }), 404, /no such destination/],
    ['DELETE of an unknown id', request('DELETE', `/destinations/${ID}`), 404, /no such destination/],
    ['PUT of a malformed id', request('PUT', '/destinations/..%2F..%2Fetc', { name: 'P' }), 404, /UUIDs/],
    ['PUT with nothing to change', request('PUT', `/destinations/${ID}`, {}), 400, /at least one/],
    ['GET of an unknown id', request('GET', `/destinations/${ID}`), 404, /no destination/],
    ['PATCH', request('PATCH', `/destinations/${ID}`, {}), 405, /GET, PUT or DELETE/],
  ])('%s → %i with a JSON reason, never cached, and nothing stored', async (_what, event, status, reason) => {
    const { api, store, readModel } = setup();
    const res = await api(event);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    // A 404 too: a cached one would hide a destination created a moment later.
    expect(res.headers['cache-control']).toBe('no-store');
    expect(bodyOf(res).message).toMatch(reason);
    expect(store.events).toEqual([]);
    expect(readModel.items.size).toBe(0);
  });

  it('does not echo an oversize or hostile body in the reason', async () => {
    const { api } = setup();
    const res = await api(request('POST', '/destinations', `{"name": "${'<script>'.repeat(1000)}`));
    expect(res.body.length).toBeLessThan(200);
  });

  it('GET answers the read model without internals; a removed one is 404', async () => {
    const { api, store, readModel } = setup();
    await api(request('POST', '/destinations', { name: 'Porto' }));
    await readModel.save(project(store.events)!);
    const res = await api(request('GET', `/destinations/${ID}`));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=5');
    expect(bodyOf(res)).toEqual({ id: ID, name: 'Porto', status: 'pending', updatedAt: new Date(1_700_000_000_001).toISOString(), updatedIn: 'us-east-1' });
    await api(request('DELETE', `/destinations/${ID}`));
    await readModel.save(project(store.events)!);
    expect((await api(request('GET', `/destinations/${ID}`))).statusCode).toBe(404);
  });

  it('a failing store is a 500 that says to retry, with the request id, and is logged', async () => {
    const { api, store, log } = setup();
    store.failNext = new Error('ProvisionedThroughputExceededException');
    const res = await api(request('POST', '/destinations', { name: 'Porto' }));
    expect(res.statusCode).toBe(500);
    expect(bodyOf(res).message).toMatch(/retry it \(request id req-1\)/);
    expect(log.lines.some((l) => l.level === 'ERROR' && (l.error as { message: string }).message.includes('Provisioned'))).toBe(true);
  });

  it('accepts a base64 body as API Gateway delivers binary media', async () => {
    const { api } = setup();
    const event = request('POST', '/destinations');
    event.body = Buffer.from(JSON.stringify({ name: 'Porto' })).toString('base64');
    event.isBase64Encoded = true;
    expect((await api(event)).statusCode).toBe(202);
  });
});
