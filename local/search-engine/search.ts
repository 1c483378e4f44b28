import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../storage/sqlite.js';
import { sourceField } from './documents.js';
import { EsError, illegalArgument, parsingError } from './esErrors.js';
import type { IndexHandle } from './indexStore.js';
import { QueryTranslator, type SqlQuery } from './queryTranslator.js';
import { parseSourceFilter } from './sourceFilter.js';

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

interface HitRow {
  rid: number;
  score: number;
  id: string;
  source: string;
}

/** Bounded cache of prepared statements keyed by SQL text: the same query shape is prepared once. */
class StatementCache {
  private readonly entries = new Map<string, Statement<unknown[]>>();
  constructor(private readonly db: Sqlite, private readonly max = 256) {}

  get(sql: string): Statement<unknown[]> {
    let stmt = this.entries.get(sql);
    if (stmt) {
      this.entries.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      if (this.entries.size >= this.max) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    }
    this.entries.set(sql, stmt);
    return stmt;
  }
}

export class Searcher {
  private readonly cache: StatementCache;

  constructor(db: Sqlite) {
    this.cache = new StatementCache(db);
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
    const scoreFilter = minScore === undefined ? '' : ' WHERE score >= ?';
    const scoreParams = minScore === undefined ? [] : [minScore];

    // Top-k first, then join the few winners to their documents: the sorter never carries _source.
    const rows = this.cache
      .get(
        `SELECT t.rid AS rid, t.score AS score, d.id AS id, d.source AS source FROM ` +
          `(SELECT rid, score FROM (${query.sql})${scoreFilter} ORDER BY score DESC, rid LIMIT ? OFFSET ?) t ` +
          `JOIN ${index.docsTable} d ON d.rid = t.rid ORDER BY t.score DESC, t.rid`,
      )
      .all(...query.params, ...scoreParams, size, from) as HitRow[];

    const track = trackTotalHits(params.get('track_total_hits') ?? body.track_total_hits);
    let total: { value: number; relation: 'eq' | 'gte' } | undefined;
    if (track !== false) {
      const limit = track === true ? -1 : track + 1;
      const counted = this.count(query, scoreFilter, scoreParams, limit);
      total = track !== true && counted > track ? { value: track, relation: 'gte' } : { value: counted, relation: 'eq' };
    }
    const filter = parseSourceFilter(body._source, params);
    const hits = rows.map((r) => ({ _index: index.name, _id: r.id, _score: r.score, ...sourceField(r.source, filter) }));
    return {
      took: Math.round(performance.now() - started),
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { ...(total ? { total } : {}), max_score: rows[0]?.score ?? null, hits },
    };
  }

  countDocs(index: IndexHandle, body: Record<string, unknown>, params: URLSearchParams): Record<string, unknown> {
    for (const key of Object.keys(body)) {
      if (key !== 'query') throw parsingError(`request does not support [${key}]`);
    }
    const count = this.count(this.queryOf(index, body, params), '', [], -1);
    return { count, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } };
  }

  private count(query: SqlQuery, scoreFilter: string, scoreParams: number[], limit: number): number {
    const row = this.cache
      .get(`SELECT count(*) AS n FROM (SELECT 1 FROM (${query.sql})${scoreFilter} LIMIT ?)`)
      .get(...query.params, ...scoreParams, limit) as { n: number };
    return row.n;
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
