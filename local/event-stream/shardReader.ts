import type { KinesisContext } from './context.js';
import { invalidArgument } from './errors.js';
import { readBatch } from './recordOperations.js';
import type { ReadBatch } from './recordOperations.js';
import { formatSequenceNumber, parseSequenceNumber } from './sequenceNumber.js';
import { requireShardIndex, shardIdOf } from './shardId.js';

export type KinesisRecord = ReadBatch['records'][number];

export interface ReadShardOptions {
  /** Resume after this sequence number (a checkpoint, or a previous `next`); wins over `from`. */
  afterSequenceNumber?: string;
  /** Where to start without a checkpoint; default TRIM_HORIZON. */
  from?: 'TRIM_HORIZON' | 'LATEST';
  /** 1..10000, default 100 (Lambda's default batch size for Kinesis). */
  limit?: number;
}

export interface ShardBatch {
  /** In GetRecords shape: SequenceNumber, ApproximateArrivalTimestamp (epoch seconds), Data (base64), PartitionKey. */
  records: KinesisRecord[];
  /** Pass as `afterSequenceNumber` to read on; checkpoint it once the batch is processed. */
  next: string;
  millisBehindLatest: number;
}

/**
 * In-process reading: the same records GetRecords returns, without HTTP or iterators (nothing to expire
 * between reads). Tests use it to see what a stream holds; consumers read through the SDK.
 */
export interface ShardReader {
  shardIds(streamName: string): string[];
  readShard(streamName: string, shardId: string, opts?: ReadShardOptions): ShardBatch;
}

export function shardReaderOf(ctx: KinesisContext): ShardReader {
  return {
    shardIds: (name) => {
      const stream = ctx.store.require(name, ctx.accountId);
      return Array.from({ length: stream.shardCount }, (_, i) => shardIdOf(i));
    },
    readShard: (name, shardId, opts = {}) => {
      const stream = ctx.store.require(name, ctx.accountId);
      const shardIndex = requireShardIndex(shardId, stream.shardCount);
      let after: number;
      if (opts.afterSequenceNumber !== undefined) {
        const p = parseSequenceNumber(opts.afterSequenceNumber);
        // A checkpoint from an earlier incarnation of the stream (deleted, re-created) starts over.
        if (p.shardIndex !== shardIndex) throw invalidArgument(`${opts.afterSequenceNumber} is not a sequence number of ${shardId}`);
        after = p.createdMs === stream.createdMs ? p.counter : 0;
      } else {
        after = opts.from === 'LATEST' ? ctx.store.lastCounter(stream.name, shardIndex) : 0;
      }
      const batch = readBatch(ctx, stream, shardIndex, after, opts.limit ?? 100);
      return {
        records: batch.records,
        next: formatSequenceNumber({ createdMs: stream.createdMs, shardIndex, counter: batch.afterCounter }),
        millisBehindLatest: batch.millisBehindLatest,
      };
    },
  };
}
