import { problem, type ApiResult } from '../../../toolkit/http/responses.js';
import type { Clock, IdempotencyRecord, IdempotencyStore } from './ports.js';

/** How long a key answers its first result (the front door's and clients' retry horizon). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export interface KeyedCommand {
  scope: string;
  fingerprint: string;
}

export type Idempotently = (command: KeyedCommand, run: () => Promise<ApiResult>) => Promise<ApiResult>;

/**
 * A keyed command runs once per key within 24 h; a repeat answers the first 2xx answer (same status
 * and body, `idempotent-replayed: true`) after one read and writes nothing.
 *
 * No in-progress lock (unlike Powertools' idempotency utility): the command's ids derive from the key,
 * so two attempts running at once store one event anyway, and the first record written wins, so both
 * then answer alike. Only accepted answers are kept: an error stored nothing, and a 404 for a
 * destination not yet replicated here must succeed when sent again.
 */
export function createIdempotently(store: IdempotencyStore, clock: Clock): Idempotently {
  return async (command, run) => {
    const now = Math.floor(clock.now() / 1000);
    const earlier = await store.get(command.scope, now);
    if (earlier) return replay(earlier, command);
    const result = await run();
    if (result.statusCode < 200 || result.statusCode >= 300) return result;
    const record: IdempotencyRecord = { ...command, statusCode: result.statusCode, body: result.body, expiresAt: now + IDEMPOTENCY_TTL_SECONDS };
    const kept = await store.keep(record, now);
    return kept.kept || !kept.existing ? result : replay(kept.existing, command);
  };
}

function replay(record: IdempotencyRecord, command: KeyedCommand): ApiResult {
  if (record.fingerprint !== command.fingerprint) {
    return problem(422, 'this Idempotency-Key was used in the last 24 hours for another request (method, path or body differ); use a new key for a new command');
  }
  return {
    statusCode: record.statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'idempotent-replayed': 'true' },
    body: record.body,
  };
}
