import { invalidArgument } from './errors.js';

/**
 * Sequence numbers look like Kinesis's: 56-digit decimal strings. Fixed width keeps string order equal
 * to numeric order; the layout (stream creation ms, shard index, per-shard counter) lets a number be
 * checked against the stream incarnation and shard it is used with.
 */
const PREFIX = '49';
const CREATED_DIGITS = 13;
const SHARD_DIGITS = 6;
const COUNTER_DIGITS = 35;

export interface SequencePosition {
  createdMs: number;
  shardIndex: number;
  /** Per-shard position, from 1; 0 is "before the first record". */
  counter: number;
}

export function formatSequenceNumber(p: SequencePosition): string {
  return (
    PREFIX +
    String(p.createdMs).padStart(CREATED_DIGITS, '0') +
    String(p.shardIndex).padStart(SHARD_DIGITS, '0') +
    p.counter.toString().padStart(COUNTER_DIGITS, '0')
  );
}

export function parseSequenceNumber(value: string): SequencePosition {
  const width = PREFIX.length + CREATED_DIGITS + SHARD_DIGITS + COUNTER_DIGITS;
  if (value.length !== width || !/^\d+$/.test(value) || !value.startsWith(PREFIX)) {
    throw invalidArgument(`StartingSequenceNumber ${value} used in GetShardIterator on this stream is invalid`);
  }
  let at = PREFIX.length;
  const createdMs = Number(value.slice(at, (at += CREATED_DIGITS)));
  const shardIndex = Number(value.slice(at, (at += SHARD_DIGITS)));
  const counter = Number(value.slice(at));
  if (!Number.isSafeInteger(counter)) throw invalidArgument(`sequence number ${value} is out of range`);
  return { createdMs, shardIndex, counter };
}
