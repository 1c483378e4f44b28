import { randomBytes } from 'node:crypto';
import { EsError, documentMissing, indexNotFound } from './esErrors.js';
import type { IndexHandle, IndexStore, WriteConditions, WriteResult } from './indexStore.js';
import { validateIndexName } from './indexName.js';
import { RawJson } from './rawJson.js';
import { applySourceFilter, type SourceFilter } from './sourceFilter.js';

/** Single-document operations in Elasticsearch's response shapes, shared by the REST routes and _bulk. */
export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

const SHARDS = { total: 1, successful: 1, failed: 0 };

/** Elasticsearch-style 20-character URL-safe ids. */
export function generateId(): string {
  return randomBytes(15).toString('base64url');
}

export function parseSource(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new EsError(400, 'mapper_parsing_exception', `failed to parse: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new EsError(400, 'mapper_parsing_exception', 'failed to parse, document must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function validateId(id: string): void {
  if (id.length === 0) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: id is missing;');
  if (Buffer.byteLength(id) > 512) {
    throw new EsError(400, 'action_request_validation_exception', `Validation Failed: 1: id [${id}] is too long, must be no longer than 512 bytes but was: ${Buffer.byteLength(id)};`);
  }
}

/** Index writes create a missing index, as Elasticsearch's default action.auto_create_index does. */
export function indexForWrite(store: IndexStore, name: string): IndexHandle {
  const existing = store.get(name);
  if (existing) return existing;
  validateIndexName(name);
  return store.create(name);
}

function writeBody(index: string, id: string, r: WriteResult): Record<string, unknown> {
  return { _index: index, _id: id, _version: r.version, result: r.result, _shards: SHARDS, _seq_no: r.seqNo, _primary_term: 1 };
}

/** Index (or create) a document. Call inside store.write(). */
export function indexDocument(
  store: IndexStore,
  index: string,
  id: string | undefined,
  sourceText: string,
  cond: WriteConditions = {},
): Reply {
  const source = parseSource(sourceText);
  const docId = id ?? generateId();
  validateId(docId);
  const handle = indexForWrite(store, index);
  const r = store.putDoc(handle, docId, sourceText.trim(), source, cond);
  return { status: r.result === 'created' ? 201 : 200, body: writeBody(index, docId, r) };
}

/** Delete a document; 404 with result not_found when it is absent. Call inside store.write(). */
export function deleteDocument(store: IndexStore, index: string, id: string, ifSeqNo?: number): Reply {
  const r = store.deleteDoc(store.require(index), id, ifSeqNo);
  return { status: r.result === 'deleted' ? 200 : 404, body: writeBody(index, id, r) };
}

export interface UpdateRequest {
  doc?: unknown;
  doc_as_upsert?: unknown;
  upsert?: unknown;
}

/** Partial update (`doc` merged into _source), with doc_as_upsert / upsert. Call inside store.write(). */
export function updateDocument(store: IndexStore, index: string, id: string, request: UpdateRequest, ifSeqNo?: number): Reply {
  if ('script' in request) throw new EsError(400, 'illegal_argument_exception', 'scripted updates are not supported by the local search engine');
  const doc = request.doc;
  const upsert = request.upsert;
  if (doc !== undefined && !isPlainObject(doc)) throw new EsError(400, 'parsing_exception', '[doc] must be an object');
  const handle = store.get(index);
  const existing = handle ? store.getDoc(handle, id) : undefined;
  if (!existing) {
    const seed = request.doc_as_upsert === true ? doc : upsert;
    if (!isPlainObject(seed)) {
      if (!handle) throw indexNotFound(index);
      throw documentMissing(index, id);
    }
    return indexDocument(store, index, id, JSON.stringify(seed), { opType: 'create' });
  }
  if (!handle || !isPlainObject(doc)) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
  const current = JSON.parse(existing.source) as Record<string, unknown>;
  const merged = deepMerge(current, doc);
  const mergedText = JSON.stringify(merged);
  if (mergedText === JSON.stringify(current)) {
    // Elasticsearch's detect_noop: nothing changed, nothing written.
    return {
      status: 200,
      body: { _index: index, _id: id, _version: existing.version, result: 'noop', _shards: { total: 0, successful: 0, failed: 0 }, _seq_no: existing.seq_no, _primary_term: 1 },
    };
  }
  const r = store.putDoc(handle, id, mergedText, merged, { ifSeqNo });
  return { status: 200, body: writeBody(index, id, r) };
}

/** GET /{index}/_doc/{id}: found true with _source, or found false with 404. */
export function getDocument(store: IndexStore, index: string, id: string, filter: SourceFilter | null): Reply {
  const handle = store.require(index);
  const doc = store.getDoc(handle, id);
  if (!doc) return { status: 404, body: { _index: index, _id: id, found: false } };
  return {
    status: 200,
    body: { _index: index, _id: id, _version: doc.version, _seq_no: doc.seq_no, _primary_term: 1, found: true, ...sourceField(doc.source, filter) },
  };
}

/** The `_source` member of a hit or a get: verbatim unless filtered, absent when _source=false. */
export function sourceField(text: string, filter: SourceFilter | null): { _source?: unknown } {
  if (!filter) return { _source: new RawJson(text) };
  if (!filter.fetch) return {};
  return { _source: applySourceFilter(JSON.parse(text) as Record<string, unknown>, filter) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
