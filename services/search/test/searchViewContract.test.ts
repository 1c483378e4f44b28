import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../local/http/freePort.js';
import { startSearchEngine, type SearchEngine } from '../../../local/search-engine/index.js';
import { SearchUnavailableError, type SearchView } from '../src/adapters/searchView.js';
import { searchViewFromEnv } from '../src/adapters/searchViewFromEnv.js';
import { HOSTILE_QUERIES } from './support/hostileQueries.js';

/*
 * One contract for the search view, run through every adapter that can run here, each against the
 * local engine: the OpenSearch client unsigned (the local engine), the OpenSearch client with SigV4
 * (Amazon OpenSearch Service; the local engine ignores the signature), and the Elasticsearch client.
 */
const ADAPTERS: Array<[string, Record<string, string>]> = [
  ['local (OpenSearch client)', { MERIDIAN_SEARCH_ENGINE: 'local' }],
  ['opensearch (OpenSearch client, SigV4)', { MERIDIAN_SEARCH_ENGINE: 'opensearch', AWS_REGION: 'us-east-1' }],
  ['elasticsearch (Elasticsearch client)', { MERIDIAN_SEARCH_ENGINE: 'elasticsearch' }],
];

let dataDir: string;
let engine: SearchEngine;
const savedCredentials = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-search-view-'));
  engine = await startSearchEngine({ port: 0, dataDir });
  // SigV4 signs with the SDK's default chain; give it credentials from the environment, as Lambda does.
  process.env.AWS_ACCESS_KEY_ID = 'contract';
  process.env.AWS_SECRET_ACCESS_KEY = 'contract';
});

afterAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = savedCredentials.id;
  process.env.AWS_SECRET_ACCESS_KEY = savedCredentials.secret;
  if (savedCredentials.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
  if (savedCredentials.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.each(ADAPTERS)('search view contract: %s', (name, env) => {
  let view: SearchView;
  const index = `contract-${name.split(' ')[0]}`;

  beforeAll(() => {
    view = searchViewFromEnv({ ...env, MERIDIAN_SEARCH_ENDPOINT: engine.url, SEARCH_INDEX: index });
  });
  afterAll(async () => {
    await view?.close();
  });

  it('finds nothing before anything is indexed, and removing then is not an error', async () => {
    expect(await view.search('paris', 10)).toEqual([]);
    await view.remove('never-indexed');
  });

  it('creates its index once, however many callers race to', async () => {
    await Promise.all([view.ensureIndex(), view.ensureIndex(), view.ensureIndex()]);
    await view.ensureIndex();
  });

  it('ranks a name match above a description match, best first, with what the result needs', async () => {
    await view.put({ id: 'lyon', name: 'Lyon', description: 'Food capital of France; Paris is two hours away' });
    await view.put({ id: 'paris', name: 'Paris', description: 'City of light on the Seine' });
    await view.put({ id: 'kyoto', name: 'Kyoto', description: 'Temples and gardens' });
    const hits = await view.search('paris', 10);
    expect(hits.map((h) => h.id)).toEqual(['paris', 'lyon']);
    expect(hits[0]).toMatchObject({ id: 'paris', name: 'Paris', description: 'City of light on the Seine' });
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('matches any of the words, and gives at most size hits', async () => {
    expect((await view.search('kyoto seine', 10)).map((h) => h.id).sort()).toEqual(['kyoto', 'paris']);
    expect(await view.search('kyoto seine', 1)).toHaveLength(1);
  });

  it('replaces a document when it is put again, and forgets it once removed', async () => {
    await view.put({ id: 'kyoto', name: 'Kyoto', description: 'Bamboo forest' });
    expect(await view.search('temples', 10)).toEqual([]);
    expect((await view.search('bamboo', 10)).map((h) => h.id)).toEqual(['kyoto']);
    await view.remove('kyoto');
    await view.remove('kyoto');
    expect(await view.search('kyoto', 10)).toEqual([]);
  });

  it('treats hostile text as words to look for, never as query syntax', async () => {
    for (const text of HOSTILE_QUERIES) {
      const hits = await view.search(text, 10);
      expect(Array.isArray(hits), text).toBe(true);
    }
    // "name:*" looks for the word "name"; it does not match every document.
    expect(await view.search('name:*', 10)).toEqual([]);
    expect((await view.search('paris OR lyon AND NOT kyoto', 10)).map((h) => h.id).sort()).toEqual(['lyon', 'paris']);
  });

  it('says the engine is unavailable when nothing answers at its endpoint', async () => {
    const down = searchViewFromEnv({ ...env, MERIDIAN_SEARCH_ENDPOINT: `http://127.0.0.1:${await freePort()}`, SEARCH_INDEX: index });
    await expect(down.search('paris', 10)).rejects.toBeInstanceOf(SearchUnavailableError);
    await expect(down.put({ id: 'x', name: 'x', description: '' })).rejects.toBeInstanceOf(SearchUnavailableError);
    await down.close();
  });
});

describe('choosing the engine', () => {
  it('refuses an unknown engine or a missing endpoint, saying where the value comes from', () => {
    expect(() => searchViewFromEnv({ MERIDIAN_SEARCH_ENGINE: 'solr', MERIDIAN_SEARCH_ENDPOINT: 'http://x' })).toThrow(/local, opensearch or elasticsearch/);
    expect(() => searchViewFromEnv({ MERIDIAN_SEARCH_ENGINE: 'local' })).toThrow(/MERIDIAN_SEARCH_ENDPOINT is not set/);
  });
});
