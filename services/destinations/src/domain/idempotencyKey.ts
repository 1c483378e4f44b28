import { createHash } from 'node:crypto';
import { derivedId } from './ids.js';

/**
 * The `Idempotency-Key` of a command (IETF draft "The Idempotency-Key HTTP Header Field"): the client
 * (or the front door, for a client that sends none) names a command once and may send it again.
 *
 * A key is scoped to its caller, so one caller's key never answers another's command, and only a
 * hash of (caller, key) is stored: records stay small whatever the key, and hostile text is never kept.
 */
export const MAX_KEY_LENGTH = 128;
// UUIDs, ULIDs, base64/base64url and dotted or colon-separated tokens fit; whitespace, quotes and
// control characters do not (a key travels in logs and headers).
const KEY_PATTERN = /^[A-Za-z0-9_.:~+/=-]+$/;

export type KeyOutcome = { ok: true; key: string } | { ok: false; message: string };

export function checkIdempotencyKey(raw: string): KeyOutcome {
  if (raw.length === 0) return { ok: false, message: 'the Idempotency-Key header is empty; send a UUID, or leave the header out' };
  if (raw.length > MAX_KEY_LENGTH) return { ok: false, message: `the Idempotency-Key is ${raw.length} characters; the limit is ${MAX_KEY_LENGTH} (a UUID is 36)` };
  if (!KEY_PATTERN.test(raw)) return { ok: false, message: 'the Idempotency-Key may hold only letters, digits and - _ . : ~ + / = (a UUID fits)' };
  return { ok: true, key: raw };
}

/** What a record is stored under: the same (caller, key) in any region gives the same scope. */
export function keyScope(caller: string, key: string): string {
  return createHash('sha256').update(caller).update('\0').update(key).digest('hex');
}

/**
 * What the command asked for (method, path, body bytes): a key sent again with another request is a
 * client's mistake (422), never an answer to the wrong command.
 */
export function requestFingerprint(method: string, path: string, body: Buffer): string {
  return createHash('sha256').update(method.toUpperCase()).update('\0').update(path).update('\0').update(body).digest('base64url');
}

/**
 * Ids of a keyed command, the same in every region: a retry that lands in the other region before
 * the first write replicated names the same destination and the same event, so the event store's two
 * replicas hold one item (same key) and the read model one destination.
 */
export function destinationIdFor(scope: string): string {
  return derivedId('meridian:destination', scope);
}

export function eventIdFor(scope: string, destinationId: string): string {
  return derivedId('meridian:command-event', `${scope}\0${destinationId}`);
}
