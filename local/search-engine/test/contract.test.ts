import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSearchEngine, type SearchEngine } from '../index.js';
import { elasticClient, openSearchClient, type ContractClient, type SearchResult } from './clients.js';

/** One contract, both real clients, the real server on an ephemeral port. */
const clients: Array<[string, (node: string) => ContractClient]> = [
  ['@elastic/elasticsearch', elasticClient],
  ['@opensearch-project/opensearch', openSearchClient],
];

const DESTINATIONS = [
  { id: 'paris', doc: { name: 'Paris', description: 'City of light on the Seine, museums and cafes', country: 'FR', visits: 120, tags: ['city', 'art'] } },
  { id: 'lyon', doc: { name: 'Lyon', description: 'Food capital of France, two rivers; Paris is two hours away', country: 'FR', visits: 40, tags: ['city', 'food'] } },
  { id: 'cairns', doc: { name: 'Cairns', description: 'Gateway to the Great Barrier Reef', country: 'AU', visits: 15, tags: ['reef'] } },
  { id: 'kyoto', doc: { name: 'Kyoto', description: 'Temples, gardens and the old capital of Japan', country: 'JP', visits: 88, tags: ['temples', 'art'] } },
  { id: 'reef-lodge', doc: { name: 'Reef Lodge', description: 'A quiet lodge', country: 'AU', visits: 3, location: { city: 'Port Douglas', region: 'Queensland' } } },
];

const HOSTILE = [
  'name:*',
  '" OR 1=1',
  '"',
  '*',
  'NEAR(paris lyon)',
  'paris OR lyon AND NOT kyoto',
  '{"query":{"match_all":{}}}',
  '\u0000\u0001\u0002\u001f\u007f paris \u0000',
  '(((paris',
  'paris)))',
  '^2 paris^3 :: {} [] -- ; DROP TABLE docs;',
  'c0 : paris',
  '\\" \\\\ \' `',
  'x'.repeat(10 * 1024),
  Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' '),
  '',
  '   ',
  '🙂 é ü 東京',
];

const ids = (r: SearchResult): string[] => r.hits.hits.map((h) => h._id);
const total = (r: SearchResult): number => (typeof r.hits.total === 'number' ? r.hits.total : (r.hits.total?.value ?? -1));

describe.each(clients)('search engine contract via %s', (_name, makeClient) => {
  let dataDir: string;
  let engine: SearchEngine;
  let client: ContractClient;
  const index = 'destinations';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'meridian-search-'));
    engine = await startSearchEngine({ port: 0, dataDir });
    client = makeClient(engine.url);
  });

  afterAll(async () => {
    await client?.close();
    await engine?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers cluster info as Elasticsearch', async () => {
    const info = await client.info();
    expect(info.version.number).toMatch(/^8\./);
    expect(info.tagline).toBe('You Know, for Search');
  });

  it('creates an index, reports it, and refuses a duplicate', async () => {
    expect(await client.indexExists(index)).toBe(false);
    await client.createIndex(index, { properties: { country: { type: 'keyword' } } });
    expect(await client.indexExists(index)).toBe(true);
    const err = await client.createIndex(index).catch((e: unknown) => e);
    expect(client.responseStatus(err)).toBe(400);
    expect(client.responseBody(err)).toMatchObject({ error: { type: 'resource_already_exists_exception' }, status: 400 });
  });

  it('indexes documents one by one and in bulk, then gets them back verbatim', async () => {
    const [first, ...rest] = DESTINATIONS;
    const r = await client.index(index, first!.id, first!.doc);
    expect(r.result).toBe('created');
    const bulk = await client.bulk(rest.flatMap((d) => [{ index: { _index: index, _id: d.id } }, d.doc]));
    expect(bulk.errors).toBe(false);
    expect(bulk.items).toHaveLength(rest.length);
    expect(bulk.items.every((item) => item.index?.status === 201)).toBe(true);
    await client.refresh(index);
    const got = await client.get(index, 'reef-lodge');
    expect(got.found).toBe(true);
    expect(got._source).toEqual(DESTINATIONS[4]!.doc);
    expect((await client.get(index, 'atlantis')).found).toBe(false);
    expect(await client.count(index)).toBe(DESTINATIONS.length);
  });

  it('updates, deletes and conflicts inside one bulk, item by item', async () => {
    const bulk = await client.bulk([
      { index: { _index: index, _id: 'tmp' } },
      { name: 'Temporary', description: 'soon gone' },
      { update: { _index: index, _id: 'tmp' } },
      { doc: { description: 'updated in place' } },
      { create: { _index: index, _id: 'paris' } },
      { name: 'Paris again' },
      { delete: { _index: index, _id: 'tmp' } },
      { delete: { _index: index, _id: 'never-there' } },
    ]);
    expect(bulk.errors).toBe(true);
    expect(bulk.items.map((i) => Object.values(i)[0]!.status)).toEqual([201, 200, 409, 200, 404]);
    expect(bulk.items[2]!.create!.error!.type).toBe('version_conflict_engine_exception');
    expect((await client.get(index, 'tmp')).found).toBe(false);
    expect((await client.get(index, 'paris'))._source?.name).toBe('Paris');
  });

  it('indexes a document without an id under a generated one', async () => {
    const r = await client.indexWithoutId('scratch', { name: 'auto id' });
    expect(r.result).toBe('created');
    expect(r._id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect((await client.get('scratch', r._id)).found).toBe(true);
    await client.deleteIndex('scratch');
    expect(await client.indexExists('scratch')).toBe(false);
  });

  it('matches on a field, best bm25 match first, in Elasticsearch hit shape', async () => {
    const r = await client.search(index, { query: { match: { description: 'capital' } } });
    expect(ids(r).sort()).toEqual(['kyoto', 'lyon']);
    expect(total(r)).toBe(2);
    const hit = r.hits.hits[0]!;
    expect(hit._index).toBe(index);
    expect(hit._score).toBeGreaterThan(0);
    expect(r.hits.max_score).toBe(hit._score);
    expect(hit._source).toEqual(DESTINATIONS.find((d) => d.id === hit._id)!.doc);

    const and = await client.search(index, { query: { match: { description: { query: 'food capital', operator: 'and' } } } });
    expect(ids(and)).toEqual(['lyon']);
    const nested = await client.search(index, { query: { match: { 'location.city': 'douglas' } } });
    expect(ids(nested)).toEqual(['reef-lodge']);
  });

  it('ranks by multi_match field boosts: the boost decides the order', async () => {
    // "paris" is Paris's name and is mentioned in Lyon's description.
    const byName = await client.search(index, { query: { multi_match: { query: 'paris', fields: ['name^5', 'description'] } } });
    expect(ids(byName)).toEqual(['paris', 'lyon']);
    const byDescription = await client.search(index, { query: { multi_match: { query: 'paris', fields: ['name', 'description^5'] } } });
    expect(ids(byDescription)).toEqual(['lyon', 'paris']);
    const everyField = await client.search(index, { query: { multi_match: { query: 'reef' } } });
    expect(ids(everyField).sort()).toEqual(['cairns', 'reef-lodge']);
  });

  it('supports match_all with size and from', async () => {
    const all = await client.search(index, { query: { match_all: {} }, size: 100 });
    expect(total(all)).toBe(DESTINATIONS.length);
    const page1 = await client.search(index, { query: { match_all: {} }, size: 2, from: 0 });
    const page2 = await client.search(index, { query: { match_all: {} }, size: 2, from: 2 });
    const page3 = await client.search(index, { query: { match_all: {} }, size: 2, from: 4 });
    expect(ids(page1)).toHaveLength(2);
    expect(total(page1)).toBe(DESTINATIONS.length);
    expect(new Set([...ids(page1), ...ids(page2), ...ids(page3)]).size).toBe(DESTINATIONS.length);
    const tooFar = await client.search(index, { query: { match_all: {} }, size: 5, from: 100 });
    expect(ids(tooFar)).toEqual([]);
  });

  it('combines term, terms, range and bool clauses', async () => {
    const term = await client.search(index, { query: { term: { country: 'AU' } } });
    expect(ids(term).sort()).toEqual(['cairns', 'reef-lodge']);
    const keyword = await client.search(index, { query: { terms: { 'tags.keyword': ['art', 'reef'] } } });
    expect(ids(keyword).sort()).toEqual(['cairns', 'kyoto', 'paris']);
    const bool = await client.search(index, {
      query: {
        bool: {
          must: [{ match: { description: 'capital' } }],
          filter: [{ term: { country: 'FR' } }],
          must_not: [{ range: { visits: { lt: 10 } } }],
        },
      },
    });
    expect(ids(bool)).toEqual(['lyon']);
    const should = await client.search(index, {
      query: { bool: { should: [{ match: { name: 'kyoto' } }, { match: { name: 'cairns' } }], must_not: [{ term: { country: 'JP' } }] } },
    });
    expect(ids(should)).toEqual(['cairns']);
    expect(await client.count(index, { range: { visits: { gte: 40, lte: 120 } } })).toBe(3);
  });

  it('treats ?q= URI search as plain words', async () => {
    expect(ids(await client.searchQ(index, 'kyoto')).sort()).toEqual(['kyoto']);
    expect(ids(await client.searchQ(index, 'name:kyoto OR (')).sort()).toEqual(['kyoto']);
  });

  it('never lets hostile query text break the engine (hits or zero hits, never a 5xx)', async () => {
    for (const text of HOSTILE) {
      const bodies = [
        { query: { match: { name: text } } },
        { query: { multi_match: { query: text, fields: ['name^2', 'description'] } } },
        { query: { query_string: { query: text } } },
        { query: { simple_query_string: { query: text, fields: ['name'] } } },
        { query: { match_phrase: { description: text } } },
        { query: { term: { country: text } } },
      ];
      for (const body of bodies) {
        const r = await client.search(index, body);
        expect(Array.isArray(r.hits.hits)).toBe(true);
      }
      const q = await client.searchQ(index, text);
      expect(Array.isArray(q.hits.hits)).toBe(true);
    }
    // Operators are words, not syntax: "paris OR lyon AND NOT kyoto" is four words ORed.
    const words = await client.search(index, { query: { match: { name: 'paris OR lyon AND NOT kyoto' } } });
    expect(ids(words).sort()).toEqual(['kyoto', 'lyon', 'paris']);
    const none = await client.search(index, { query: { match: { name: '*:"()' } } });
    expect(total(none)).toBe(0);
  });

  it('rejects an unknown query type with a 400 parsing_exception', async () => {
    const err = await client.search(index, { query: { no_such_query: {} } }).catch((e: unknown) => e);
    expect(client.responseStatus(err)).toBe(400);
    expect(client.responseBody(err)).toMatchObject({ error: { type: 'parsing_exception' }, status: 400 });
  });

  it('surfaces an op_type=create conflict as a 409 ResponseError', async () => {
    const err = await client.index(index, 'kyoto', { name: 'Kyoto twice' }, { create: true }).catch((e: unknown) => e);
    expect(client.responseStatus(err)).toBe(409);
    expect(client.responseBody(err)).toMatchObject({
      error: { type: 'version_conflict_engine_exception', root_cause: [{ type: 'version_conflict_engine_exception' }] },
      status: 409,
    });
  });

  it('answers a missing index with index_not_found_exception 404', async () => {
    const err = await client.search('no-such-index', { query: { match_all: {} } }).catch((e: unknown) => e);
    expect(client.responseStatus(err)).toBe(404);
    expect(client.responseBody(err)).toMatchObject({
      error: { type: 'index_not_found_exception', reason: 'no such index [no-such-index]', root_cause: [{ type: 'index_not_found_exception' }] },
      status: 404,
    });
  });

  it('removes a deleted document from search', async () => {
    expect(ids(await client.search(index, { query: { match: { name: 'cairns' } } }))).toEqual(['cairns']);
    expect((await client.delete(index, 'cairns')).result).toBe('deleted');
    expect(ids(await client.search(index, { query: { match: { name: 'cairns' } } }))).toEqual([]);
    expect(ids(await client.search(index, { query: { term: { country: 'AU' } } }))).toEqual(['reef-lodge']);
    expect((await client.get(index, 'cairns')).found).toBe(false);
  });

  it('re-indexing a document replaces what search finds', async () => {
    expect((await client.index(index, 'kyoto', { name: 'Kyoto', description: 'Bamboo forest', country: 'JP' })).result).toBe('updated');
    expect(ids(await client.search(index, { query: { match: { description: 'temples' } } }))).toEqual([]);
    expect(ids(await client.search(index, { query: { match: { description: 'bamboo' } } }))).toEqual(['kyoto']);
  });

  it('keeps documents across a restart', async () => {
    const before = await client.count(index);
    await client.close();
    await engine.close();
    engine = await startSearchEngine({ port: 0, dataDir });
    client = makeClient(engine.url);
    expect(await client.count(index)).toBe(before);
    expect(ids(await client.search(index, { query: { match: { name: 'lyon' } } }))).toEqual(['lyon']);
    expect((await client.get(index, 'reef-lodge'))._source).toEqual(DESTINATIONS[4]!.doc);
    // Writes after the restart continue the sequence without conflicts.
    expect((await client.index(index, 'new', { name: 'After restart' })).result).toBe('created');
  });
});
