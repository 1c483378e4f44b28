import { Client as ElasticClient, errors as elasticErrors } from '@elastic/elasticsearch';
import { Client as OpenSearchClient, errors as openSearchErrors } from '@opensearch-project/opensearch';

/**
 * The two real clients behind one small interface, so one contract suite runs against both
 * exactly as services will call them.
 */
export interface Hit {
  _index: string;
  _id: string;
  _score: number | null;
  _source?: Record<string, unknown>;
}

export interface SearchResult {
  hits: { total?: { value: number; relation: string } | number; max_score: number | null; hits: Hit[] };
}

export interface BulkResult {
  errors: boolean;
  items: Array<Record<string, { status: number; error?: { type: string } }>>;
}

export interface ContractClient {
  readonly name: string;
  info(): Promise<{ version: { number: string }; tagline: string }>;
  createIndex(index: string, mappings?: Record<string, unknown>): Promise<unknown>;
  indexExists(index: string): Promise<boolean>;
  deleteIndex(index: string): Promise<unknown>;
  index(index: string, id: string, doc: Record<string, unknown>, opts?: { create?: boolean }): Promise<{ result: string; _id: string }>;
  indexWithoutId(index: string, doc: Record<string, unknown>): Promise<{ result: string; _id: string }>;
  bulk(operations: Array<Record<string, unknown>>): Promise<BulkResult>;
  refresh(index: string): Promise<unknown>;
  get(index: string, id: string): Promise<{ found: boolean; _source?: Record<string, unknown> }>;
  delete(index: string, id: string): Promise<{ result: string }>;
  search(index: string, body: Record<string, unknown>): Promise<SearchResult>;
  searchQ(index: string, q: string): Promise<SearchResult>;
  count(index: string, query?: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
  /** The status of the client's ResponseError, or undefined when err is something else. */
  responseStatus(err: unknown): number | undefined;
  /** The parsed error body of the client's ResponseError. */
  responseBody(err: unknown): unknown;
}

export function elasticClient(node: string): ContractClient {
  const c = new ElasticClient({ node });
  return {
    name: '@elastic/elasticsearch',
    info: () => c.info(),
    createIndex: (index, mappings) => c.indices.create({ index, ...(mappings ? { mappings } : {}) }),
    indexExists: (index) => c.indices.exists({ index }),
    deleteIndex: (index) => c.indices.delete({ index }),
    index: (index, id, document, opts) =>
      opts?.create ? c.create({ index, id, document, refresh: true }) : c.index({ index, id, document, refresh: true }),
    indexWithoutId: (index, document) => c.index({ index, document }),
    bulk: async (operations) => (await c.bulk({ operations, refresh: true })) as unknown as BulkResult,
    refresh: (index) => c.indices.refresh({ index }),
    get: async (index, id) => {
      try {
        const r = await c.get<Record<string, unknown>>({ index, id });
        return { found: r.found, ...(r._source ? { _source: r._source } : {}) };
      } catch (err) {
        if (err instanceof elasticErrors.ResponseError && err.statusCode === 404) return { found: false };
        throw err;
      }
    },
    delete: (index, id) => c.delete({ index, id, refresh: true }),
    search: async (index, body) => (await c.search({ index, ...body })) as unknown as SearchResult,
    searchQ: async (index, q) => (await c.search({ index, q })) as unknown as SearchResult,
    count: async (index, query) => (await c.count({ index, ...(query ? { query } : {}) })).count,
    close: () => c.close(),
    responseStatus: (err) => (err instanceof elasticErrors.ResponseError ? err.statusCode : undefined),
    responseBody: (err) => (err instanceof elasticErrors.ResponseError ? err.body : undefined),
  };
}

interface OsResponse<T> {
  body: T;
  statusCode: number | null;
}

export function openSearchClient(node: string): ContractClient {
  const c = new OpenSearchClient({ node });
  // The OpenSearch client's typings are per-API generics; this keeps the calls readable.
  const body = async <T>(p: Promise<unknown>): Promise<T> => ((await p) as OsResponse<T>).body;
  return {
    name: '@opensearch-project/opensearch',
    info: () => body(c.info()),
    createIndex: (index, mappings) => body(c.indices.create({ index, body: mappings ? { mappings } : {} })),
    indexExists: (index) => body<boolean>(c.indices.exists({ index })),
    deleteIndex: (index) => body(c.indices.delete({ index })),
    index: (index, id, doc, opts) =>
      body(opts?.create ? c.create({ index, id, body: doc, refresh: true }) : c.index({ index, id, body: doc, refresh: true })),
    indexWithoutId: (index, doc) => body(c.index({ index, body: doc })),
    bulk: (operations) => body<BulkResult>(c.bulk({ body: operations, refresh: true })),
    refresh: (index) => body(c.indices.refresh({ index })),
    get: async (index, id) => {
      try {
        return await body<{ found: boolean; _source?: Record<string, unknown> }>(c.get({ index, id }));
      } catch (err) {
        if (err instanceof openSearchErrors.ResponseError && err.statusCode === 404) return { found: false };
        throw err;
      }
    },
    delete: (index, id) => body(c.delete({ index, id, refresh: true })),
    search: (index, b) => body<SearchResult>(c.search({ index, body: b })),
    searchQ: (index, q) => body<SearchResult>(c.search({ index, q })),
    count: async (index, query) => (await body<{ count: number }>(c.count({ index, ...(query ? { body: { query } } : {}) }))).count,
    close: () => c.close(),
    responseStatus: (err) => (err instanceof openSearchErrors.ResponseError ? (err.statusCode ?? undefined) : undefined),
    responseBody: (err) => (err instanceof openSearchErrors.ResponseError ? err.body : undefined),
  };
}
