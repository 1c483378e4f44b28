import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Identifiers. Destination ids are random (v4): they are partition keys of the tables and the
 * event stream, so they must spread evenly (seed notes §1). Event ids are time-ordered (v7), so a
 * destination's events sort by creation in the event store's range key. An answer to an event
 * (the validator's) gets an id derived from the event it answers (v5-style): answering the same
 * event twice yields the same id, and the event store's conditional put keeps only the first.
 */

export const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

export function newDestinationId(): string {
  return randomUUID();
}

/** RFC 9562 UUIDv7: 48 bits of epoch milliseconds, then random bits. */
export function timeOrderedId(nowMs: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Math.max(0, Math.floor(nowMs)) % 2 ** 48, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return format(bytes);
}

/** RFC 9562 UUIDv5-style: the same (namespace, name) always gives the same id. */
export function derivedId(namespace: string, name: string): string {
  const bytes = createHash('sha1').update(namespace).update('\0').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return format(bytes);
}

function format(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
