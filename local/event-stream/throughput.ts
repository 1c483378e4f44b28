import { KinesisError } from './errors.js';

/** Per-shard write limits; AWS allows 1,000 records and 1 MiB per second per shard. */
export interface ShardWriteLimits {
  recordsPerSecond: number;
  bytesPerSecond: number;
}

export const AWS_SHARD_WRITE_LIMITS: ShardWriteLimits = { recordsPerSecond: 1000, bytesPerSecond: 1024 * 1024 };

interface Bucket {
  records: number;
  bytes: number;
  atMs: number;
}

/** Token buckets per shard, so a hot partition key is throttled the way Kinesis throttles it. */
export class ShardThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits: ShardWriteLimits | false) {}

  /** Takes capacity for one record, or returns false when the shard is over its limit. */
  tryTake(shardKey: string, bytes: number, nowMs: number): boolean {
    if (!this.limits) return true;
    const { recordsPerSecond, bytesPerSecond } = this.limits;
    const b = this.buckets.get(shardKey) ?? { records: recordsPerSecond, bytes: bytesPerSecond, atMs: nowMs };
    const elapsed = Math.max(0, nowMs - b.atMs) / 1000;
    b.records = Math.min(recordsPerSecond, b.records + elapsed * recordsPerSecond);
    b.bytes = Math.min(bytesPerSecond, b.bytes + elapsed * bytesPerSecond);
    b.atMs = nowMs;
    this.buckets.set(shardKey, b);
    if (b.records < 1 || b.bytes < bytes) return false;
    b.records -= 1;
    b.bytes -= bytes;
    return true;
  }

  forget(streamName: string): void {
    for (const key of this.buckets.keys()) if (key.startsWith(`${streamName}/`)) this.buckets.delete(key);
  }
}

export const throughputExceeded = (streamName: string, shardId: string, accountId: string): KinesisError =>
  new KinesisError(
    'ProvisionedThroughputExceededException',
    `Rate exceeded for shard ${shardId} in stream ${streamName} under account ${accountId}.`,
  );
