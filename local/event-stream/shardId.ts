import { invalidArgument } from './errors.js';

/** Kinesis names shards `shardId-` plus a 12-digit index. */
export function shardIdOf(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

export function shardIndexOf(shardId: string, shardCount: number): number | undefined {
  const m = /^(?:shardId-)?(\d{1,12})$/.exec(shardId);
  if (!m) return undefined;
  const index = Number(m[1]);
  return index < shardCount ? index : undefined;
}

export function requireShardIndex(shardId: string, shardCount: number): number {
  const index = shardIndexOf(shardId, shardCount);
  if (index === undefined) throw invalidArgument(`shard ${shardId} does not exist`);
  return index;
}
