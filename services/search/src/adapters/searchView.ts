/**
 * This region's search view of destinations: one interface, an adapter per engine (openSearchView.ts
 * for Amazon OpenSearch Service and the local engine, elasticsearchView.ts for Elasticsearch), one
 * contract suite (test/searchViewContract.test.ts) run against every adapter that runs here.
 */
export interface SearchDocument {
  id: string;
  name: string;
  description: string;
}

export interface SearchHit extends SearchDocument {
  score: number;
}

export interface SearchView {
  /** Which engine answers (for logs and errors). */
  readonly engine: string;
  /** Creates the index with its mappings unless it exists; safe to call concurrently and repeatedly. */
  ensureIndex(): Promise<void>;
  /** Adds or replaces a document (creating the index on first use). */
  put(doc: SearchDocument): Promise<void>;
  /** Removes a document; removing one that is not there is not an error. */
  remove(id: string): Promise<void>;
  /** The best `size` matches of `text`, matched as words, best first; none before anything is indexed. */
  search(text: string, size: number): Promise<SearchHit[]>;
  close(): Promise<void>;
}

/** Thrown when the engine cannot answer (down, unreachable, refusing): the caller answers 503 or retries. */
export class SearchUnavailableError extends Error {
  override name = 'SearchUnavailableError';
}

export const INDEX_MAPPINGS = {
  properties: {
    id: { type: 'keyword' },
    name: { type: 'text' },
    description: { type: 'text' },
  },
} as const;

/** Name matches count three times a description match. */
export const SEARCH_FIELDS = ['name^3', 'description'];

/**
 * The search request body every adapter sends. The text is a value of a multi_match query, never
 * query syntax (no query_string): `name:*`, quotes or a JSON body in it are just words to look for.
 */
export function searchBody(text: string, size: number): Record<string, unknown> {
  return {
    size,
    track_total_hits: false,
    _source: ['id', 'name', 'description'],
    query: { multi_match: { query: text, fields: SEARCH_FIELDS, type: 'best_fields', operator: 'or' } },
  };
}

interface RawHit {
  _id: string;
  _score: number | null;
  _source?: { id?: unknown; name?: unknown; description?: unknown };
}

/** Engine hits → search hits (the document id is the destination id). */
export function toHits(hits: RawHit[]): SearchHit[] {
  return hits.map((h) => ({
    id: typeof h._source?.id === 'string' ? h._source.id : h._id,
    name: typeof h._source?.name === 'string' ? h._source.name : '',
    description: typeof h._source?.description === 'string' ? h._source.description : '',
    score: h._score ?? 0,
  }));
}

/** Create-once that forgets a failure, so the next call tries again. */
export function once(create: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= create().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
