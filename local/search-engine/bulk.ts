import { deleteDocument, indexDocument, type Reply, updateDocument, type UpdateRequest } from './documents.js';
import { EsError, illegalArgument } from './esErrors.js';
import type { IndexStore } from './indexStore.js';

/**
 * POST /_bulk and /{index}/_bulk: NDJSON action/metadata lines, each followed by a source line
 * (index, create, update) or not (delete). The whole request is one SQLite transaction, which is
 * what makes 100k documents take seconds; a failing item is reported in its slot (errors: true)
 * without undoing the others, as Elasticsearch does.
 */
const ACTIONS = new Set(['index', 'create', 'update', 'delete']);

type Meta = Record<string, unknown>;

export function bulk(store: IndexStore, defaultIndex: string | undefined, payload: string): Record<string, unknown> {
  const started = performance.now();
  const lines = payload.split('\n');
  const items: Array<Record<string, unknown>> = [];
  let errors = false;
  store.write(() => {
    for (let i = 0; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      if (line === '') continue;
      const [action, meta] = parseAction(line, i + 1);
      let sourceLine: string | undefined;
      if (action !== 'delete') {
        sourceLine = lines[++i];
        if (sourceLine === undefined || sourceLine.trim() === '') {
          throw illegalArgument(`Malformed action/metadata line [${i}], expected a source line after it`);
        }
      }
      const index = typeof meta._index === 'string' ? meta._index : defaultIndex;
      const id = meta._id === undefined || meta._id === null ? undefined : String(meta._id);
      try {
        if (index === undefined) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: index is missing;');
        const reply = runItem(store, action, index, id, meta, sourceLine);
        items.push({ [action]: { ...reply.body, status: reply.status } });
      } catch (err) {
        if (!(err instanceof EsError)) throw err;
        errors = true;
        items.push({
          [action]: { _index: index, _id: id ?? null, status: err.status, error: { type: err.type, reason: err.reason, ...err.extra } },
        });
      }
    }
  });
  return { took: Math.round(performance.now() - started), errors, items };
}

function parseAction(line: string, lineNo: number): [string, Meta] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw illegalArgument(`Malformed action/metadata line [${lineNo}], expected START_OBJECT`);
  }
  const keys = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.keys(parsed) : [];
  const action = keys[0];
  if (keys.length !== 1 || action === undefined || !ACTIONS.has(action)) {
    throw illegalArgument(`Malformed action/metadata line [${lineNo}], expected field [create], [delete], [index] or [update] but found [${String(action)}]`);
  }
  const meta = (parsed as Record<string, unknown>)[action];
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
    throw illegalArgument(`Malformed action/metadata line [${lineNo}], expected START_OBJECT after [${action}]`);
  }
  return [action, meta as Meta];
}

function runItem(store: IndexStore, action: string, index: string, id: string | undefined, meta: Meta, source: string | undefined): Reply {
  const ifSeqNo = typeof meta.if_seq_no === 'number' ? meta.if_seq_no : undefined;
  switch (action) {
    case 'index':
    case 'create':
      return indexDocument(store, index, id, source ?? '', { opType: action === 'create' || meta.op_type === 'create' ? 'create' : 'index', ifSeqNo });
    case 'delete':
      if (id === undefined) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: id is missing;');
      return deleteDocument(store, index, id, ifSeqNo);
    default: {
      if (id === undefined) throw new EsError(400, 'action_request_validation_exception', 'Validation Failed: 1: id is missing;');
      let request: unknown;
      try {
        request = JSON.parse(source ?? '');
      } catch (err) {
        throw new EsError(400, 'parsing_exception', `failed to parse update request: ${(err as Error).message}`);
      }
      if (!request || typeof request !== 'object' || Array.isArray(request)) throw new EsError(400, 'parsing_exception', 'update request must be an object');
      return updateDocument(store, index, id, request as UpdateRequest, ifSeqNo);
    }
  }
}
