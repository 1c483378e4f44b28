import type { Sqlite } from '../storage/sqlite.js';
import { sourceField } from './documents.js';
import { EsError, illegalArgument, parsingError } from './esErrors.js';
import type { IndexHandle } from './indexStore.js';
import { QueryTranslator, type SqlQuery } from './queryTranslator.js';
import { Ranker } from './ranking.js';
import { parseSourceFilter } from './sourceFilter.js';
import { StatementCache } from '../storage/statementCache.js';
import { TermStats } from './termStats.js';
import { TopCache } from './topCache.js';

/** Elasticsearch's index.max_result_window: from + size may not exceed it. */
export const MAX_RESULT_WINDOW = 10_000;
const DEFAULT_TRACK_TOTAL_HITS = 10_000;

// Keys a search body may carry. Ones we cannot honour (aggs, sort by field) are refused below,
// not silently ignored; highlight and the like are accepted and simply produce nothing.
const KNOWN_KEYS = new Set([
  'query', 'size', 'from', '_source', 'track_total_hits', 'sort', 'timeout', 'min_score', 'track_scores',
  'version', 'seq_no_primary_term', 'stored_fields', 'explain', 'profile', 'terminate_after', 'highlight',
  'aggs', 'aggregations', 'fields', 'docvalue_fields', 'search_after', 'collapse', 'rescore', 'suggest', 'post_filter',
]);
const REFUSED_KEYS = ['aggs', 'aggregations', 'search_after', 'collapse', 'rescore', 'suggest', 'post_filter'];

interface DocRow {
  rid: number;
  id: string;
  source: string;
}

export interface SearcherOptions {
  /**
   * Ranking shortcuts (ranking.ts) apply from this many documents up; smaller indices are always ranked
   * exactly as written, which is cheap there anyway. Default 10,000.
   */
  shortcutsFromDocs?: number;
}

export class Searcher {
  private readonly cache: StatementCache;
  private readonly ranker: Ranker;
  private readonly tops = new TopCache();

  constructor(db: Sqlite, opts: SearcherOptions = {}) {
    this.cache = new StatementCache(db);
    this.ranker = new Ranker(this.cache, new TermStats(db), opts.shortcutsFromDocs ?? 10_000);
  }

  search(index: IndexHandle, body: Record<string, unknown>, params: URLSearchParams): Record<string, unknown> {
    const started = performance.now();
    for (const key of Object.keys(body)) {
      if (!KNOWN_KEYS.has(key)) throw parsingError(`Unknown key for a START_OBJECT in [${key}].`);
    }
    for (const key of REFUSED_KEYS) {
      if (key in body) throw illegalArgument(`[${key}] is not supported by the local search engine`);
    }
    checkSort(body.sort ?? params.get('sort') ?? undefined);
    const size = intParam(params.get('size') ?? body.size, 'size', 10);
    const from = intParam(params.get('from') ?? body.from, 'from', 0);
    if (from + size > MAX_RESULT_WINDOW) {
      throw illegalArgument(
        `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets.`,
      );
    }
    const query = this.queryOf(index, body, params);
    const minScore = body.min_score === undefined ? undefined : Number(body.min_score);
    if (minScore !== undefined && !Number.isFinite(minScore)) throw parsingError('[min_score] must be a number');
    // Top-k inside SQLite (a bounded sorter, see ranking.ts), then only the page's documents are read.
    const want = from + size;
    const top = size === 0 ? [] : this.tops.top(index, query, want, minScore, () => this.ranker.top(index, query, want, minScore));
    const page = top.slice(from);
    const docs = this.documents(index, page.map((r) => r.rid));

    const track = trackTotalHits(params.get('track_total_hits') ?? body.track_total_hits);
    let total: { value: number; relation: 'eq' | 'gte' } | undefined;
    if (track !== false) {
      const limit = track === true ? -1 : track + 1;
      const counted = this.count(query, minScore, limit);
      total = track !== true && counted > track ? { value: track, relation: 'gte' } : { value: counted, relation: 'eq' };
    }
    const filter = parseSourceFilter(body._source, params);
    const hits = page.flatMap((r) => {
      const doc = docs.get(r.rid);
      return doc ? [{ _index: index.name, _id: doc.id, _score: r.score, ...sourceField(doc.source, filter) }] : [];
    });
    return {
      took: Math.round(performance.now() - started),
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { ...(total ? { total } : {}), max_score: top[0]?.score ?? null, hits },
    };
  }

  countDocs(index: IndexHandle, body: Record<string, unknown>, params: URLSearchParams): Record<string, unknown> {
    for (const key of Object.keys(body)) {
      if (key !== 'query') throw parsingError(`request does not support [${key}]`);
    }
    const count = this.count(this.queryOf(index, body, params), undefined, -1);
    return { count, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } };
  }

  /** Matches of the query as given (up to `limit`, -1 for all); a count walks matches, it scores none unless min_score asks. */
  private count(query: SqlQuery, minScore: number | undefined, limit: number): number {
    const filter = minScore === undefined ? '' : ' WHERE score >= ?';
    const row = this.cache
      .get(`SELECT count(*) AS n FROM (SELECT 1 FROM (${query.sql})${filter} LIMIT ?)`)
      .get(...query.params, ...(minScore === undefined ? [] : [minScore]), limit) as { n: number };
    return row.n;
  }

  /** The documents of a page, by rid. */
  private documents(index: IndexHandle, rids: number[]): Map<number, DocRow> {
    if (rids.length === 0) return new Map();
    const rows = this.cache
      .get(`SELECT rid, id, source FROM ${index.docsTable} WHERE rid IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(rids)) as DocRow[];
    return new Map(rows.map((r) => [r.rid, r]));
  }

  /** The body's query, else `?q=` (plain words, over `df` or every text field), else match_all. */
  private queryOf(index: IndexHandle, body: Record<string, unknown>, params: URLSearchParams): SqlQuery {
    const translator = new QueryTranslator(index);
    const q = params.get('q');
    if (q !== null) {
      const df = params.get('df');
      return translator.translate({
        query_string: { query: q, ...(df ? { default_field: df } : {}), default_operator: params.get('default_operator') ?? 'or' },
      });
    }
    return body.query === undefined ? translator.all() : translator.translate(body.query);
  }
}

function intParam(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n)) throw parsingError(`[${name}] must be an integer`);
  if (n < 0) throw illegalArgument(`[${name}] parameter cannot be negative, found [${n}]`);
  return n;
}

function trackTotalHits(value: unknown): number | boolean {
  if (value === undefined || value === null) return DEFAULT_TRACK_TOTAL_HITS;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw illegalArgument(`[track_total_hits] must be a boolean or a non-negative integer`);
  return n;
}

/** Only relevance order (and _doc, index order) are implemented; say so instead of ignoring a sort. */
function checkSort(sort: unknown): void {
  if (sort === undefined) return;
  const items = Array.isArray(sort) ? sort : typeof sort === 'string' ? sort.split(',') : [sort];
  for (const item of items) {
    const field = typeof item === 'string' ? item.split(':')[0] : item && typeof item === 'object' ? Object.keys(item)[0] : undefined;
    if (field !== '_score') {
      throw new EsError(400, 'illegal_argument_exception', `sorting by [${String(field)}] is not supported by the local search engine; only _score`);
    }
  }
}
