import { KinesisError, invalidArgument } from './errors.js';

/** Kinesis shard iterators are valid for 5 minutes after they are issued. */
export const ITERATOR_TTL_MS = 5 * 60_000;

/** What an iterator points at: records after `afterCounter` in one shard of one stream incarnation. */
export interface IteratorPosition {
  stream: string;
  createdMs: number;
  shardIndex: number;
  afterCounter: number;
}

interface Encoded {
  s: string;
  c: number;
  i: number;
  a: number;
  t: number;
}

/** Opaque to callers (base64url JSON); carries its issue time so expiry needs no server state. */
export function encodeIterator(p: IteratorPosition, issuedMs: number): string {
  const e: Encoded = { s: p.stream, c: p.createdMs, i: p.shardIndex, a: p.afterCounter, t: issuedMs };
  return Buffer.from(JSON.stringify(e)).toString('base64url');
}

export function decodeIterator(iterator: string, nowMs: number): IteratorPosition {
  let e: Partial<Encoded>;
  try {
    e = JSON.parse(Buffer.from(iterator, 'base64url').toString('utf8')) as Partial<Encoded>;
  } catch {
    throw invalidArgument('Invalid ShardIterator.');
  }
  if (
    typeof e.s !== 'string' ||
    typeof e.c !== 'number' ||
    typeof e.i !== 'number' ||
    typeof e.a !== 'number' ||
    typeof e.t !== 'number'
  ) {
    throw invalidArgument('Invalid ShardIterator.');
  }
  if (nowMs - e.t > ITERATOR_TTL_MS) {
    throw new KinesisError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(e.t).toISOString()} while right now it is ${new Date(nowMs).toISOString()} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`,
    );
  }
  return { stream: e.s, createdMs: e.c, shardIndex: e.i, afterCounter: e.a };
}
