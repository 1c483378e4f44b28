import { createHash } from 'node:crypto';
import { invalidArgument } from './errors.js';

/** 2^128: Kinesis hash keys are unsigned 128-bit integers. */
const KEY_SPACE = 1n << 128n;

export interface HashKeyRange {
  start: bigint;
  end: bigint;
}

/** Kinesis maps a partition key to the 128-bit integer value of its MD5 digest. */
export function hashKeyOf(partitionKey: string): bigint {
  return BigInt('0x' + createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

export function parseExplicitHashKey(value: string): bigint {
  if (!/^\d{1,39}$/.test(value)) throw invalidArgument(`ExplicitHashKey ${value} is not a decimal 128-bit integer`);
  const key = BigInt(value);
  if (key >= KEY_SPACE) throw invalidArgument(`ExplicitHashKey ${value} is outside the hash key range`);
  return key;
}

/** The even split CreateStream makes: shard i owns [floor(i·2^128/n), floor((i+1)·2^128/n) − 1]. */
export function evenHashKeyRanges(shardCount: number): HashKeyRange[] {
  const n = BigInt(shardCount);
  return Array.from({ length: shardCount }, (_, i) => ({
    start: (BigInt(i) * KEY_SPACE) / n,
    end: (BigInt(i + 1) * KEY_SPACE) / n - 1n,
  }));
}

export function shardIndexFor(hashKey: bigint, ranges: readonly HashKeyRange[]): number {
  const index = ranges.findIndex((r) => hashKey >= r.start && hashKey <= r.end);
  if (index < 0) throw invalidArgument(`hash key ${hashKey} maps to no shard`);
  return index;
}
