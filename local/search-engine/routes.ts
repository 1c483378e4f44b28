import { bulk } from './bulk.js';
import { deleteDocument, getDocument, indexDocument, type Reply, updateDocument, type UpdateRequest } from './documents.js';
import { EsError, parsingError } from './esErrors.js';
import type { IndexHandle, IndexStore, OpType, WriteConditions } from './indexStore.js';
import { validateIndexName } from './indexName.js';
import { Router, type HandlerResult, type RequestContext } from './router.js';
import type { Searcher } from './search.js';
import { parseSourceFilter } from './sourceFilter.js';

/** The Elasticsearch REST subset both real clients use, wired to the store and the searcher. */
export const ES_VERSION = '8.17.0';

export function esRoutes(store: IndexStore, searcher: Searcher, clusterUuid: string): Router {
  const info = (): HandlerResult => ({
    status: 200,
    body: {
      name: 'meridian-search',
      cluster_name: 'meridian-local',
      cluster_uuid: clusterUuid,
      version: {
        number: ES_VERSION,
        build_flavor: 'default',
        build_type: 'meridian-sqlite-fts5',
        build_snapshot: false,
        lucene_version: '9.12.0',
        minimum_wire_compatibility_version: '7.17.0',
        minimum_index_compatibility_version: '7.0.0',
      },
      tagline: 'You Know, for Search',
    },
  });
  const refresh = (ctx: RequestContext): HandlerResult => {
    // Writes are visible as soon as they commit; refresh only has to exist and say so.
    if (ctx.params.index !== undefined) requireAll(store, ctx.params.index);
    return { status: 200, body: { _shards: { total: 1, successful: 1, failed: 0 } } };
  };
  const runBulk = (ctx: RequestContext): HandlerResult => ({ status: 200, body: bulk(store, ctx.params.index, ctx.text) });
  const search = (ctx: RequestContext): HandlerResult => ({
    status: 200,
    body: searcher.search(store.require(ctx.params.index as string), jsonBody(ctx), ctx.query),
  });
  const count = (ctx: RequestContext): HandlerResult => ({
    status: 200,
    body: searcher.countDocs(store.require(ctx.params.index as string), jsonBody(ctx), ctx.query),
  });
  const putDoc = (opType: OpType | undefined) => (ctx: RequestContext): HandlerResult =>
    withRefresh(ctx, store.write(() => indexDocument(store, ctx.params.index as string, ctx.params.id, ctx.text, conditions(ctx, opType))));
  const getDoc = (ctx: RequestContext): Reply =>
    getDocument(store, ctx.params.index as string, ctx.params.id as string, parseSourceFilter(undefined, ctx.query));

  return new Router()
    .on('', { GET: info, HEAD: info })
    .on('_bulk', { POST: runBulk, PUT: runBulk })
    .on('_refresh', { GET: refresh, POST: refresh })
    .on('_cluster/health', {
      GET: () => ({ status: 200, body: { cluster_name: 'meridian-local', status: 'green', timed_out: false, number_of_nodes: 1, number_of_data_nodes: 1, active_primary_shards: store.names().length, active_shards: store.names().length, relocating_shards: 0, initializing_shards: 0, unassigned_shards: 0 } }),
    })
    .on(':index', {
      HEAD: (ctx) => ({ status: store.get(ctx.params.index as string) ? 200 : 404 }),
      GET: (ctx) => ({ status: 200, body: { [ctx.params.index as string]: describe(store.require(ctx.params.index as string)) } }),
      PUT: (ctx) => createIndex(store, ctx),
      DELETE: (ctx) => {
        for (const name of requireAll(store, ctx.params.index as string)) store.delete(name);
        return { status: 200, body: { acknowledged: true } };
      },
    })
    .on(':index/_doc', { POST: putDoc(undefined) })
    .on(':index/_doc/:id', {
      GET: getDoc,
      HEAD: getDoc,
      PUT: putDoc(undefined),
      POST: putDoc(undefined),
      DELETE: (ctx) => withRefresh(ctx, store.write(() => deleteDocument(store, ctx.params.index as string, ctx.params.id as string, conditions(ctx, undefined).ifSeqNo))),
    })
    .on(':index/_create/:id', { PUT: putDoc('create'), POST: putDoc('create') })
    .on(':index/_update/:id', {
      POST: (ctx) => withRefresh(ctx, store.write(() => updateDocument(store, ctx.params.index as string, ctx.params.id as string, jsonBody(ctx) as UpdateRequest, conditions(ctx, undefined).ifSeqNo))),
    })
    .on(':index/_source/:id', {
      GET: (ctx) => sourceOnly(getDoc(ctx), ctx.params),
      HEAD: (ctx) => sourceOnly(getDoc(ctx), ctx.params),
    })
    .on(':index/_bulk', { POST: runBulk, PUT: runBulk })
    .on(':index/_refresh', { GET: refresh, POST: refresh })
    .on(':index/_search', { GET: search, POST: search })
    .on(':index/_count', { GET: count, POST: count })
    .on(':index/_mapping', {
      GET: (ctx) => {
        const handle = store.require(ctx.params.index as string);
        return { status: 200, body: { [handle.name]: { mappings: describe(handle).mappings } } };
      },
      PUT: (ctx) => {
        store.putMappings(store.require(ctx.params.index as string), jsonBody(ctx));
        return { status: 200, body: { acknowledged: true } };
      },
    })
    .on(':index/_settings', {
      GET: (ctx) => {
        const handle = store.require(ctx.params.index as string);
        return { status: 200, body: { [handle.name]: { settings: describe(handle).settings } } };
      },
    });
}

/** Parses a JSON request body; an empty body is `{}`. */
function jsonBody(ctx: RequestContext): Record<string, unknown> {
  if (ctx.text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(ctx.text);
  } catch (err) {
    throw new EsError(400, 'x_content_parse_exception', `Failed to parse request body: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw parsingError('request body must be a JSON object');
  return value as Record<string, unknown>;
}

function conditions(ctx: RequestContext, opType: OpType | undefined): WriteConditions {
  const op = opType ?? ctx.query.get('op_type') ?? 'index';
  if (op !== 'index' && op !== 'create') throw new EsError(400, 'illegal_argument_exception', `opType must be 'create' or 'index', found: [${op}]`);
  const seq = ctx.query.get('if_seq_no');
  const ifSeqNo = seq === null ? undefined : Number(seq);
  if (ifSeqNo !== undefined && !Number.isInteger(ifSeqNo)) throw new EsError(400, 'illegal_argument_exception', `if_seq_no must be an integer`);
  return { opType: op, ifSeqNo };
}

/** `?refresh=true` answers forced_refresh as Elasticsearch does; data is visible at commit anyway. */
function withRefresh(ctx: RequestContext, reply: Reply): HandlerResult {
  const refresh = ctx.query.get('refresh');
  return refresh === 'true' || refresh === '' ? { status: reply.status, body: { ...reply.body, forced_refresh: true } } : reply;
}

function sourceOnly(reply: Reply, params: Record<string, string>): HandlerResult {
  if (reply.status !== 200) {
    throw new EsError(404, 'resource_not_found_exception', `Document not found [${params.index}]/[${params.id}]`);
  }
  return { status: 200, body: reply.body._source ?? {} };
}

/** Comma-separated index names (DELETE a,b), each of which must exist. */
function requireAll(store: IndexStore, names: string): string[] {
  const list = names.split(',').filter((n) => n !== '');
  for (const name of list) store.require(name);
  return list;
}

function createIndex(store: IndexStore, ctx: RequestContext): HandlerResult {
  const name = ctx.params.index as string;
  validateIndexName(name);
  const body = jsonBody(ctx);
  for (const key of Object.keys(body)) {
    if (!['mappings', 'settings', 'aliases'].includes(key)) throw parsingError(`unknown key [${key}] for create index`);
  }
  const mappings = isObject(body.mappings) ? body.mappings : {};
  const settings = isObject(body.settings) ? body.settings : {};
  store.create(name, mappings, settings);
  return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: name } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** GET /{index}: declared mappings plus fields discovered dynamically (text with a keyword view). */
function describe(handle: IndexHandle): { aliases: Record<string, never>; mappings: Record<string, unknown>; settings: Record<string, unknown> } {
  const mappings = structuredClone(handle.mappings);
  const root = (isObject(mappings.properties) ? mappings.properties : (mappings.properties = {})) as Record<string, unknown>;
  for (const field of handle.textFields.keys()) {
    let props = root;
    const parts = field.split('.');
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const existing = props[part];
      if (last) {
        if (existing === undefined) props[part] = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
        return;
      }
      const node = (isObject(existing) ? existing : (props[part] = { properties: {} })) as Record<string, unknown>;
      props = (isObject(node.properties) ? node.properties : (node.properties = {})) as Record<string, unknown>;
    });
  }
  const indexSettings = isObject(handle.settings.index) ? handle.settings.index : handle.settings;
  return {
    aliases: {},
    mappings,
    settings: {
      index: {
        ...indexSettings,
        number_of_shards: '1',
        number_of_replicas: '0',
        uuid: handle.uuid,
        provided_name: handle.name,
        creation_date: String(handle.created),
        version: { created: '8521000' },
      },
    },
  };
}
