import { CreateBucketCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../local/http/freePort.js';
import { startObjectStore, type ObjectStore } from '../../../local/object-store/index.js';
import { startSearchEngine, type SearchEngine } from '../../../local/search-engine/index.js';
import { capturingLogger } from '../../toolkit/test/support/capturingLogger.js';
import { apiGatewayEvent } from '../../toolkit/test/support/lambdaEvents.js';
import type { SearchView } from '../src/adapters/searchView.js';
import { searchViewFromEnv } from '../src/adapters/searchViewFromEnv.js';
import { viewBucket, type ViewBucket } from '../src/adapters/viewBucket.js';
import { searchEndpoint, type SearchResult } from '../src/app/searchEndpoint.js';
import { viewEndpoint } from '../src/app/viewEndpoint.js';
import { HOSTILE_QUERIES, OVERSIZED_QUERIES } from './support/hostileQueries.js';
import { s3For } from './support/searchRegions.js';

/* GET /search and GET /views/destinations/{id} as API Gateway invokes them, on a real engine and bucket. */
const REGION = 'us-west-2';
const FRONT_DOOR = 'http://127.0.0.1:4000';
let dataDir: string;
let engine: SearchEngine;
let store: ObjectStore;
let s3: S3Client;
let search: SearchView;
let views: ViewBucket;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-endpoints-'));
  engine = await startSearchEngine({ port: 0, dataDir });
  store = await startObjectStore({ region: REGION, accountId: '111111111111', port: 0, dataDir, log: () => {} });
  s3 = s3For(store.port, REGION);
  await s3.send(new CreateBucketCommand({ Bucket: 'views' }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: 'views', VersioningConfiguration: { Status: 'Enabled' } }));
  views = viewBucket(s3, 'views');
  search = searchViewFromEnv({ MERIDIAN_SEARCH_ENGINE: 'local', MERIDIAN_SEARCH_ENDPOINT: engine.url, SEARCH_INDEX: 'destinations-test' });
  await search.put({ id: 'paris', name: 'Paris', description: 'City of light on the Seine' });
  await search.put({ id: 'lyon', name: 'Lyon', description: 'Food capital; Paris is two hours away' });
  await search.put({ id: 'name', name: 'Name', description: 'A place literally called Name' });
  for (let i = 0; i < 120; i++) await search.put({ id: `village-${i}`, name: `Village ${i}`, description: 'A quiet village' });
});

afterAll(async () => {
  s3?.destroy();
  await search?.close();
  await store?.close();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = (path: string, query: Record<string, string> | null, extra: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent =>
  apiGatewayEvent({ httpMethod: 'GET', path, headers: { Host: 'abc123.execute-api.us-west-2.amazonaws.com' }, queryStringParameters: query, requestContext: { stage: 'dev' }, ...extra });
/** `frontDoorUrl` null: none configured. */
const searchFor = (query: Record<string, string> | null, frontDoorUrl: string | null = FRONT_DOOR) =>
  searchEndpoint({ search, frontDoorUrl: frontDoorUrl ?? undefined, region: REGION, log: capturingLogger() }, get('/search', query));
const results = (body: string) => JSON.parse(body) as SearchResult[];

describe('GET /search', () => {
  it('answers the best matches first, each with the front-door URL of its JSON view', async () => {
    const r = await searchFor({ q: 'paris' });
    expect(r.statusCode).toBe(200);
    expect(r.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=5', 'x-meridian-region': REGION });
    expect(results(r.body)).toEqual([
      { id: 'paris', name: 'Paris', description: 'City of light on the Seine', url: `${FRONT_DOOR}/views/destinations/paris` },
      { id: 'lyon', name: 'Lyon', description: 'Food capital; Paris is two hours away', url: `${FRONT_DOOR}/views/destinations/lyon` },
    ]);
  });

  it('gives 10 results by default and up to size, at most 100', async () => {
    expect(results((await searchFor({ q: 'village' })).body)).toHaveLength(10);
    expect(results((await searchFor({ q: 'village', size: '3' })).body)).toHaveLength(3);
    expect(results((await searchFor({ q: 'village', size: '100' })).body)).toHaveLength(100);
    for (const size of ['101', '0', '-1', '2.5', 'ten', '1e2', '']) {
      const r = await searchFor({ q: 'village', size });
      expect(r.statusCode, `size=${size}`).toBe(400);
      expect(JSON.parse(r.body)).toEqual({ message: 'size must be a whole number from 1 to 100 (default 10)' });
    }
  });

  it('refuses a missing, empty or over-long q with a JSON reason', async () => {
    const queries: Array<Record<string, string> | null> = [null, {}, { q: '' }, { q: '   ' }, ...OVERSIZED_QUERIES.map((q) => ({ q }))];
    for (const query of queries) {
      const r = await searchFor(query);
      expect(r.statusCode).toBe(400);
      expect(r.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(r.body).message).toMatch(/^q (is required|is longer than 256 characters)/);
    }
    expect((await searchFor({ q: 'é'.repeat(256) })).statusCode).toBe(200);
  });

  it('matches hostile text as text: a 200 with matches or none, or a 400, never a 5xx', async () => {
    for (const q of HOSTILE_QUERIES) {
      const r = await searchFor({ q });
      expect([200, 400], JSON.stringify(q).slice(0, 60)).toContain(r.statusCode);
      if (r.statusCode === 200) expect(Array.isArray(JSON.parse(r.body))).toBe(true);
    }
    // `name:*` is the word "name", not "every document with a name".
    expect(results((await searchFor({ q: 'name:*' })).body).map((h) => h.id)).toEqual(['name']);
    expect((await searchFor({ q: '\u0000\u0001' })).statusCode).toBe(400);
  });

  it('links to the address the request came to when no front door is configured', async () => {
    const [first] = results((await searchFor({ q: 'paris' }, null)).body);
    expect(first!.url).toBe('https://abc123.execute-api.us-west-2.amazonaws.com/dev/views/destinations/paris');
  });

  it('answers 503 saying what happened when the engine does not answer', async () => {
    const down = searchViewFromEnv({ MERIDIAN_SEARCH_ENGINE: 'local', MERIDIAN_SEARCH_ENDPOINT: `http://127.0.0.1:${await freePort()}` });
    const r = await searchEndpoint({ search: down, frontDoorUrl: FRONT_DOOR, region: REGION, log: capturingLogger() }, get('/search', { q: 'paris' }));
    expect(r.statusCode).toBe(503);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-meridian-region']).toBe(REGION);
    expect(JSON.parse(r.body)).toEqual({ message: 'search is unavailable in us-west-2 right now; try again shortly' });
    await down.close();
  });
});

describe('GET /views/destinations/{id}', () => {
  const viewOf = (id: string, headers: Record<string, string> = {}) =>
    viewEndpoint({ views, region: REGION }, get(`/views/destinations/${id}`, null, { pathParameters: { id }, headers }));

  it('serves the stored view with its content type and ETag, cacheable five seconds as every found read; 304 when the ETag matches', async () => {
    const stored = { id: 'paris', name: 'Paris', description: 'City of light', status: 'locationValidated', updatedAt: '2026-03-01T10:00:00.000Z', updatedIn: 'us-east-1' };
    await views.put(stored);
    const r = await viewOf('paris');
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(r.body)).toEqual(stored);
    expect(r.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=5', 'x-meridian-region': REGION });
    expect(r.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await viewOf('paris', { 'If-None-Match': r.headers.etag! });
    expect(again.statusCode).toBe(304);
    expect(again.headers).toMatchObject({ etag: r.headers.etag, 'cache-control': 'public, max-age=5' });
    expect(again.body).toBe('');
  });

  it('answers 404 for a destination with no view, never cached (its view may be on its way), and 400 for an id that could leave the views prefix', async () => {
    const missing = await viewOf('atlantis');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    expect(missing.headers['x-meridian-region']).toBe(REGION);
    for (const id of ['../secrets', '..', 'a/b', '../../destinations/paris', '.hidden', 'x'.repeat(129), '', 'a%2Fb', 'paris\u0000']) {
      const r = await viewOf(id);
      expect(r.statusCode, id).toBe(400);
      expect(JSON.parse(r.body).message).toMatch(/not a destination id/);
    }
  });
});
