/**
 * Indexes 100k synthetic destinations through _bulk and measures match-query latency over HTTP.
 *   npx tsx local/search-engine/perf/searchPerf.ts [docCount] [queryCount]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSearchEngine } from '../index.js';

const DOCS = Number(process.argv[2] ?? 100_000);
const QUERIES = Number(process.argv[3] ?? 1_000);
const BATCH = 5_000;
const INDEX = 'destinations';

// Deterministic PRNG so runs are comparable.
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'pe', 'da', 'zu', 'ri', 'ho', 'an', 'el', 'or'];
const VOCAB = Array.from({ length: 5_000 }, (_, i) => {
  let w = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
  return w;
});
/** Zipf-like: low ranks are common, as words in real text are. */
function word(): string {
  return VOCAB[Math.floor(VOCAB.length * random() ** 3)] as string;
}
function words(n: number): string {
  return Array.from({ length: n }, word).join(' ');
}
/** Query words: users search content words, so any vocabulary word with equal chance. */
function queryWord(): string {
  return VOCAB[Math.floor(VOCAB.length * random())] as string;
}
function queryWords(n: number): string {
  return Array.from({ length: n }, queryWord).join(' ');
}
/** The worst case: one of the 10 commonest words, each in roughly 50-80% of documents. */
function stopword(): string {
  return VOCAB[Math.floor(10 * random())] as string;
}

function doc(i: number): Record<string, unknown> {
  return {
    name: `${words(2)} ${i}`,
    description: words(15 + Math.floor(random() * 20)),
    country: ['FR', 'AU', 'JP', 'US', 'DE'][i % 5],
    visits: Math.floor(random() * 1000),
    location: { city: words(1), region: words(1) },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

async function post(url: string, body: string, contentType = 'application/json'): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const json = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

const dataDir = mkdtempSync(join(tmpdir(), 'meridian-search-perf-'));
const engine = await startSearchEngine({ port: 0, dataDir });
try {
  const batches: string[] = [];
  for (let start = 0; start < DOCS; start += BATCH) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(DOCS, start + BATCH); i++) {
      lines.push(JSON.stringify({ index: { _index: INDEX, _id: `d${i}` } }), JSON.stringify(doc(i)));
    }
    batches.push(`${lines.join('\n')}\n`);
  }
  const t0 = performance.now();
  for (const body of batches) {
    const r = (await post(`${engine.url}/_bulk`, body, 'application/x-ndjson')) as { errors: boolean };
    if (r.errors) throw new Error('bulk reported errors');
  }
  const indexMs = performance.now() - t0;
  console.log(`indexed ${DOCS} docs via _bulk (${batches.length} requests of ${BATCH}) in ${(indexMs / 1000).toFixed(2)} s (${Math.round(DOCS / (indexMs / 1000))} docs/s)`);

  const shapes: Array<[string, () => unknown]> = [
    ['match description (1 word)', () => ({ query: { match: { description: queryWord() } } })],
    ['match description (3 words)', () => ({ query: { match: { description: queryWords(3) } } })],
    ['multi_match name^3,description (2 words)', () => ({ query: { multi_match: { query: queryWords(2), fields: ['name^3', 'description'] } } })],
    ['bool match + term filter', () => ({ query: { bool: { must: { match: { description: queryWords(2) } }, filter: { term: { country: 'FR' } } } } })],
    ['match description, Zipf-drawn words (2)', () => ({ query: { match: { description: words(2) } } })],
    ['match description, stopword only (worst case)', () => ({ query: { match: { description: stopword() } } })],
  ];
  for (const [label, make] of shapes) {
    for (let i = 0; i < 50; i++) await post(`${engine.url}/${INDEX}/_search`, JSON.stringify(make())); // warm-up
    const times: number[] = [];
    let hits = 0;
    for (let i = 0; i < QUERIES; i++) {
      const body = JSON.stringify(make());
      const s = performance.now();
      const r = (await post(`${engine.url}/${INDEX}/_search`, body)) as { hits: { total: { value: number } } };
      times.push(performance.now() - s);
      hits += r.hits.total.value;
    }
    times.sort((a, b) => a - b);
    console.log(
      `${label}: ${QUERIES} queries, p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms, max ${(times[times.length - 1] as number).toFixed(2)} ms, mean total hits ${Math.round(hits / QUERIES)}`,
    );
  }
} finally {
  await engine.close();
  rmSync(dataDir, { recursive: true, force: true });
}
