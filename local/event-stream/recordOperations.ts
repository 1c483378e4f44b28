import type { KinesisContext } from './context.js';
import { epochSeconds, requireStream } from './context.js';
import type { Input } from './input.js';
import { optionalInt, optionalNumber, optionalString, requiredArray, requiredBlob, requiredString } from './input.js';
import { KinesisError, invalidArgument, notFound } from './errors.js';
import type { StreamRow } from './store.js';
import { evenHashKeyRanges, hashKeyOf, parseExplicitHashKey, shardIndexFor } from './hashKey.js';
import { requireShardIndex, shardIdOf } from './shardId.js';
import { formatSequenceNumber, parseSequenceNumber } from './sequenceNumber.js';
import { decodeIterator, encodeIterator } from './shardIterator.js';
import { throughputExceeded } from './throughput.js';

/** A record may carry at most 1 MiB of data and partition key together. */
const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_PUT_RECORDS = 500;
/** GetRecords returns at most 10 MiB per call. */
const MAX_GET_BYTES = 10 * 1024 * 1024;

interface RecordInput {
  data: Buffer;
  partitionKey: string;
  shardIndex: number;
}

function parseRecord(stream: StreamRow, input: Input): RecordInput {
  const data = requiredBlob(input, 'Data');
  const partitionKey = requiredString(input, 'PartitionKey');
  if (partitionKey.length < 1 || partitionKey.length > 256) throw invalidArgument('PartitionKey must be 1 to 256 characters');
  if (data.length + Buffer.byteLength(partitionKey) > MAX_RECORD_BYTES) {
    throw new KinesisError('ValidationException', `Record size exceeds the limit of ${MAX_RECORD_BYTES} bytes`);
  }
  const explicit = optionalString(input, 'ExplicitHashKey');
  const hashKey = explicit !== undefined ? parseExplicitHashKey(explicit) : hashKeyOf(partitionKey);
  return { data, partitionKey, shardIndex: shardIndexFor(hashKey, evenHashKeyRanges(stream.shardCount)) };
}

const sequenceOf = (stream: StreamRow, shardIndex: number, counter: number): string =>
  formatSequenceNumber({ createdMs: stream.createdMs, shardIndex, counter });

export function putRecord(ctx: KinesisContext, input: Input): Record<string, unknown> {
  const stream = requireStream(ctx, input);
  const record = parseRecord(stream, input);
  const now = ctx.now();
  const shardId = shardIdOf(record.shardIndex);
  const size = record.data.length + Buffer.byteLength(record.partitionKey);
  if (!ctx.throttle.tryTake(`${stream.name}/${record.shardIndex}`, size, now)) {
    throw throughputExceeded(stream.name, shardId, ctx.accountId);
  }
  const [counter = 0] = ctx.store.append(stream.name, [record], now);
  return { ShardId: shardId, SequenceNumber: sequenceOf(stream, record.shardIndex, counter), EncryptionType: 'NONE' };
}

/** Each record succeeds or fails on its own (throttling); invalid input fails the whole call, as in AWS. */
export function putRecords(ctx: KinesisContext, input: Input): Record<string, unknown> {
  const stream = requireStream(ctx, input);
  const entries = requiredArray(input, 'Records');
  if (entries.length < 1 || entries.length > MAX_PUT_RECORDS) {
    throw new KinesisError('ValidationException', `Records must have between 1 and ${MAX_PUT_RECORDS} entries`);
  }
  const records = entries.map((e) => parseRecord(stream, e));
  const now = ctx.now();
  const accepted = records.map((r) =>
    ctx.throttle.tryTake(`${stream.name}/${r.shardIndex}`, r.data.length + Buffer.byteLength(r.partitionKey), now),
  );
  const counters = ctx.store.append(stream.name, records.filter((_, i) => accepted[i]), now);
  let next = 0;
  const results = records.map((r, i) => {
    const shardId = shardIdOf(r.shardIndex);
    if (!accepted[i]) {
      const err = throughputExceeded(stream.name, shardId, ctx.accountId);
      return { ErrorCode: err.type, ErrorMessage: err.message };
    }
    return { ShardId: shardId, SequenceNumber: sequenceOf(stream, r.shardIndex, counters[next++] ?? 0) };
  });
  return { FailedRecordCount: accepted.filter((a) => !a).length, Records: results, EncryptionType: 'NONE' };
}

/** Resolves a GetShardIterator request to "records after this counter". */
function startingCounter(ctx: KinesisContext, stream: StreamRow, shardIndex: number, input: Input): number {
  const type = requiredString(input, 'ShardIteratorType');
  switch (type) {
    case 'TRIM_HORIZON':
      return 0;
    case 'LATEST':
      return ctx.store.lastCounter(stream.name, shardIndex);
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      const value = optionalString(input, 'StartingSequenceNumber');
      if (value === undefined) throw invalidArgument(`StartingSequenceNumber is required for ${type}`);
      const position = parseSequenceNumber(value);
      if (position.createdMs !== stream.createdMs || position.shardIndex !== shardIndex) {
        throw invalidArgument(`Invalid StartingSequenceNumber. It encodes ${shardIdOf(position.shardIndex)}, while it was used in a call to a shard with ${shardIdOf(shardIndex)}`);
      }
      return type === 'AT_SEQUENCE_NUMBER' ? Math.max(0, position.counter - 1) : position.counter;
    }
    case 'AT_TIMESTAMP': {
      const seconds = optionalNumber(input, 'Timestamp');
      if (seconds === undefined) throw invalidArgument('Timestamp is required for AT_TIMESTAMP');
      return ctx.store.counterBefore(stream.name, shardIndex, Math.round(seconds * 1000));
    }
    default:
      throw new KinesisError('ValidationException', `Value '${type}' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER, TRIM_HORIZON, LATEST, AT_TIMESTAMP]`);
  }
}

export function getShardIterator(ctx: KinesisContext, input: Input): Record<string, unknown> {
  const stream = requireStream(ctx, input);
  const shardId = requiredString(input, 'ShardId');
  const shardIndex = shardIndexOrNotFound(ctx, stream, shardId);
  const afterCounter = startingCounter(ctx, stream, shardIndex, input);
  return { ShardIterator: encodeIterator({ stream: stream.name, createdMs: stream.createdMs, shardIndex, afterCounter }, ctx.now()) };
}

function shardIndexOrNotFound(ctx: KinesisContext, stream: StreamRow, shardId: string): number {
  try {
    return requireShardIndex(shardId, stream.shardCount);
  } catch {
    throw notFound(`Shard ${shardId} in stream ${stream.name} under account ${ctx.accountId} does not exist`);
  }
}

export interface ReadBatch {
  records: Array<{ SequenceNumber: string; ApproximateArrivalTimestamp: number; Data: string; PartitionKey: string }>;
  afterCounter: number;
  millisBehindLatest: number;
}

/** Reads up to `limit` records after a position; shared by GetRecords and the in-process reader. */
export function readBatch(ctx: KinesisContext, stream: StreamRow, shardIndex: number, afterCounter: number, limit: number): ReadBatch {
  const now = ctx.now();
  const notBefore = now - stream.retentionHours * 3_600_000;
  // One extra row tells whether the reader is at the tip (MillisBehindLatest 0) without another query.
  const rows = ctx.store.read(stream.name, shardIndex, afterCounter, notBefore, limit + 1);
  const records: ReadBatch['records'] = [];
  let bytes = 0;
  let last = afterCounter;
  for (const row of rows.slice(0, limit)) {
    bytes += row.data.length + Buffer.byteLength(row.partitionKey);
    if (bytes > MAX_GET_BYTES && records.length > 0) break;
    records.push({
      SequenceNumber: sequenceOf(stream, shardIndex, row.counter),
      ApproximateArrivalTimestamp: epochSeconds(row.arrivalMs),
      Data: row.data.toString('base64'),
      PartitionKey: row.partitionKey,
    });
    last = row.counter;
  }
  const nextUnread = rows[records.length];
  return { records, afterCounter: last, millisBehindLatest: nextUnread ? Math.max(0, now - nextUnread.arrivalMs) : 0 };
}

export function getRecords(ctx: KinesisContext, input: Input): Record<string, unknown> {
  const iterator = requiredString(input, 'ShardIterator');
  const limit = optionalInt(input, 'Limit', 1, 10_000) ?? 10_000;
  const position = decodeIterator(iterator, ctx.now());
  const stream = ctx.store.find(position.stream);
  if (!stream || stream.createdMs !== position.createdMs) {
    throw notFound(`Stream ${position.stream} under account ${ctx.accountId} not found.`);
  }
  const batch = readBatch(ctx, stream, position.shardIndex, position.afterCounter, limit);
  return {
    Records: batch.records,
    NextShardIterator: encodeIterator({ ...position, afterCounter: batch.afterCounter }, ctx.now()),
    MillisBehindLatest: batch.millisBehindLatest,
  };
}
