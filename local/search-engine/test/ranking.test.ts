import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type Sqlite } from '../../storage/sqlite.js';
import { IndexStore, type IndexHandle } from '../indexStore.js';
import type { RawJson } from '../rawJson.js';
import { Searcher } from '../search.js';

/*
 * The ranking shortcuts (ranking.ts) against ranking everything: on an index large enough for them to
 * apply, a query of non-common words must give exactly the same page; common words (in half the
 * documents or more) may only change which floor-scored documents fill a page.
 */
const DOCS = 12_000;
let dir: string;
let db: Sqlite;
let store: IndexStore;
let index: IndexHandle;
let fast: Searcher;
let exact: Searcher;

// Deterministic Zipf-like words: low ranks are common, as in real text.
let seed = 7;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const VOCAB = Array.from({ length: 3_000 }, (_, i) => `w${i.toString(36)}`);
const zipf = () => VOCAB[Math.floor(VOCAB.length * random() ** 3)]!;
const words = (n: number) => Array.from({ length: n }, zipf).join(' ');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'meridian-ranking-'));
  db = openSqlite(join(dir, 'search.sqlite'));
  store = new IndexStore(db);
  index = store.create('destinations', { properties: { country: { type: 'keyword' } } });
  store.write(() => {
    for (let i = 0; i < DOCS; i++) {
      // w0 is in every description; the next few are in a large share of them.
      const doc = { name: `${words(2)} n${i}`, description: `w0 ${words(12 + (i % 20))}`, country: ['FR', 'AU', 'JP'][i % 3] };
      store.putDoc(index, `d${i}`, JSON.stringify(doc), doc);
    }
  });
  fast = new Searcher(db);
  exact = new Searcher(db, { shortcutsFromDocs: Number.POSITIVE_INFINITY });
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Page = { hits: { hits: Array<{ _id: string; _score: number }>; total?: { value: number } } };
const search = (s: Searcher, body: Record<string, unknown>) => s.search(index, body, new URLSearchParams()) as unknown as Page;
const ids = (p: Page) => p.hits.hits.map((h) => h._id);
const multiMatch = (query: string, extra: Record<string, unknown> = {}) =>
  ({ query: { multi_match: { query, fields: ['name^3', 'description'] } }, size: 10, ...extra });

describe('ranking shortcuts on a large index', () => {
  it('give the same page as ranking every match, for queries of words that are not common', () => {
    seed = 99;
    const mid = VOCAB.slice(1, 40); // the commonest words below w0: many matches each, the costly case
    for (let i = 0; i < 150; i++) {
      const n = 1 + (i % 4);
      const pick = () => (i % 2 ? mid[Math.floor(random() * mid.length)]! : zipf());
      const query = Array.from({ length: n }, pick).filter((w) => w !== 'w0').join(' ') || 'w1';
      for (const body of [multiMatch(query), multiMatch(query, { size: 25, from: 5 })]) {
        expect(ids(search(fast, body)), query).toEqual(ids(search(exact, body)));
      }
    }
  });

  it('leave out a word in every document: the same order among documents matching the rarer words', () => {
    const body = multiMatch('w0 w5 w9');
    const withCommon = search(fast, body);
    const rareOnly = search(exact, multiMatch('w5 w9'));
    expect(ids(withCommon)).toEqual(ids(rareOnly));
    // Scores differ only by the common word's floored contribution.
    withCommon.hits.hits.forEach((h, i) => expect(h._score).toBeCloseTo(rareOnly.hits.hits[i]!._score, 4));
    // Total hits still count every match of the query as written.
    expect(withCommon.hits.total?.value).toBe(search(exact, body).hits.total?.value);
  });

  it('fill the page from the newest matches when fewer than a page match a rarer word', () => {
    const body = multiMatch('w0 n11999', { size: 5 });
    const page = ids(search(fast, body));
    expect(page[0]).toBe('d11999');
    expect(page).toHaveLength(5);
  });

  it('rank a query of common words only among its newest matches', () => {
    const page = ids(search(fast, multiMatch('w0', { size: 10 })));
    expect(page).toHaveLength(10);
    for (const id of page) expect(Number(id.slice(1))).toBeGreaterThanOrEqual(DOCS - 1_000);
  });

  it('fold a full-text match with exact-value filters into one query: the same hits, the same scores', () => {
    const folded = search(exact, { query: { bool: { must: { match: { description: 'w3 w7' } }, filter: [{ term: { country: 'FR' } }], must_not: [{ term: { country: 'JP' } }] } }, size: 20 });
    const all = search(exact, { query: { match: { description: 'w3 w7' } }, size: 10_000 }).hits.hits as Array<{ _id: string; _score: number; _source: RawJson }>;
    // _source is kept as raw JSON text for the HTTP layer to splice in verbatim.
    const expected = all.filter((h) => (JSON.parse(h._source.text) as { country: string }).country === 'FR').slice(0, 20);
    expect(folded.hits.hits.map((h) => [h._id, h._score])).toEqual(expected.map((h) => [h._id, h._score]));
  });
});

describe('ranked tops kept per index version (topCache.ts)', () => {
  it('answer a repeated query with the page ranking everything gives, until a write changes it', () => {
    const cached = new Searcher(db);
    const small = store.create('cached');
    const put = (id: string, name: string, description: string) => store.write(() => store.putDoc(small, id, JSON.stringify({ name, description }), { name, description }));
    for (let i = 0; i < 50; i++) put(`c${i}`, `place ${i}`, `w1 ${words(10)}`);
    const body = multiMatch('w1 place', { size: 5 });
    const page = (s: Searcher) => (s.search(small, body, new URLSearchParams()) as unknown as Page).hits.hits.map((h) => [h._id, h._score]);
    const first = page(cached);
    expect(page(cached)).toEqual(first);
    expect(page(cached)).toEqual(page(exact));
    // A better match written now is on the very next page, with the scores the new index gives.
    put('best', 'w1 place w1 place', 'w1 place');
    expect(page(cached)[0]?.[0]).toBe('best');
    expect(page(cached)).toEqual(page(exact));
    store.write(() => store.deleteDoc(small, 'best'));
    expect(page(cached)).toEqual(page(exact));
  });
});
