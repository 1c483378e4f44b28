import type { KinesisContext } from './context.js';
import { epochSeconds, requireStream, streamArn, streamNameOf } from './context.js';
import type { Input } from './input.js';
import { optionalInt, optionalObject, optionalString, requiredString } from './input.js';
import { KinesisError, invalidArgument } from './errors.js';
import type { StreamRow } from './store.js';
import { evenHashKeyRanges } from './hashKey.js';
import { shardIdOf, shardIndexOf } from './shardId.js';
import { formatSequenceNumber } from './sequenceNumber.js';

const DEFAULT_RETENTION_HOURS = 24;
const MAX_RETENTION_HOURS = 8760;
/** AWS gives on-demand streams 4 shards to start with. */
const ON_DEMAND_SHARDS = 4;
const MAX_SHARDS = 500;

export function createStream(ctx: KinesisContext, input: Input): Record<string, never> {
  const name = requiredString(input, 'StreamName');
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(name)) throw invalidArgument(`StreamName ${name} is invalid`);
  const onDemand = optionalString(optionalObject(input, 'StreamModeDetails') ?? {}, 'StreamMode') === 'ON_DEMAND';
  const shardCount = optionalInt(input, 'ShardCount', 1, 100_000) ?? (onDemand ? ON_DEMAND_SHARDS : 1);
  if (shardCount > MAX_SHARDS) {
    throw new KinesisError('LimitExceededException', `This request would exceed the shard limit for the account ${ctx.accountId} in ${ctx.region}. Current limit of shards is ${MAX_SHARDS}.`);
  }
  // Created ACTIVE at once: there is no provisioning to wait for locally, and the SDK waiters accept it.
  ctx.store.create({ name, createdMs: ctx.now(), shardCount, retentionHours: DEFAULT_RETENTION_HOURS, onDemand }, ctx.accountId);
  return {};
}

export function deleteStream(ctx: KinesisContext, input: Input): Record<string, never> {
  const stream = requireStream(ctx, input);
  ctx.store.delete(stream.name);
  ctx.throttle.forget(stream.name);
  return {};
}

export function describeShards(stream: StreamRow): Array<Record<string, unknown>> {
  return evenHashKeyRanges(stream.shardCount).map((range, i) => ({
    ShardId: shardIdOf(i),
    HashKeyRange: { StartingHashKey: range.start.toString(), EndingHashKey: range.end.toString() },
    SequenceNumberRange: { StartingSequenceNumber: formatSequenceNumber({ createdMs: stream.createdMs, shardIndex: i, counter: 0 }) },
  }));
}

function streamMode(stream: StreamRow): { StreamMode: string } {
  return { StreamMode: stream.onDemand ? 'ON_DEMAND' : 'PROVISIONED' };
}

export function describeStream(ctx: KinesisContext, input: Input): Record<string, unknown> {
  const stream = requireStream(ctx, input);
  const limit = optionalInt(input, 'Limit', 1, 10_000) ?? 100;
  const exclusiveStart = optionalString(input, 'ExclusiveStartShardId');
  const startIndex = exclusiveStart === undefined ? 0 : (shardIndexOf(exclusiveStart, Number.MAX_SAFE_INTEGER) ?? -1) + 1;
  const shards = describeShards(stream).slice(startIndex, startIndex + limit);
  return {
    StreamDescription: {
      StreamName: stream.name,
      StreamARN: streamArn(ctx, stream.name),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: streamMode(stream),
      Shards: shards,
      HasMoreShards: startIndex + shards.length < stream.shardCount,
      RetentionPeriodHours: stream.retentionHours,
      StreamCreationTimestamp: epochSeconds(stream.createdMs),
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: 'NONE',
    },
  };
}

export function describeStreamSummary(ctx: KinesisContext, input: Input): Record<string, unknown> {
  const stream = requireStream(ctx, input);
  return {
    StreamDescriptionSummary: {
      StreamName: stream.name,
      StreamARN: streamArn(ctx, stream.name),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: streamMode(stream),
      RetentionPeriodHours: stream.retentionHours,
      StreamCreationTimestamp: epochSeconds(stream.createdMs),
      EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
      EncryptionType: 'NONE',
      OpenShardCount: stream.shardCount,
      ConsumerCount: 0,
    },
  };
}

export function listStreams(ctx: KinesisContext, input: Input): Record<string, unknown> {
  const limit = optionalInt(input, 'Limit', 1, 10_000) ?? 100;
  // NextToken and ExclusiveStartStreamName both mean "names after this one" here.
  const token = optionalString(input, 'NextToken');
  const after = token !== undefined ? Buffer.from(token, 'base64url').toString('utf8') : optionalString(input, 'ExclusiveStartStreamName');
  const all = ctx.store.list().filter((s) => after === undefined || s.name > after);
  const page = all.slice(0, limit);
  const hasMore = all.length > page.length;
  const last = page[page.length - 1];
  return {
    StreamNames: page.map((s) => s.name),
    HasMoreStreams: hasMore,
    StreamSummaries: page.map((s) => ({
      StreamName: s.name,
      StreamARN: streamArn(ctx, s.name),
      StreamStatus: 'ACTIVE',
      StreamModeDetails: streamMode(s),
      StreamCreationTimestamp: epochSeconds(s.createdMs),
    })),
    ...(hasMore && last ? { NextToken: Buffer.from(last.name).toString('base64url') } : {}),
  };
}

export function listShards(ctx: KinesisContext, input: Input): Record<string, unknown> {
  const token = optionalString(input, 'NextToken');
  let streamName: string;
  let startIndex = 0;
  if (token !== undefined) {
    // A NextToken carries the stream and position, as AWS's does; StreamName must then be absent.
    const m = /^(\d+)\/(.+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!m) throw invalidArgument('NextToken is invalid');
    startIndex = Number(m[1]);
    streamName = m[2] ?? '';
  } else {
    streamName = streamNameOf(ctx, input);
    const exclusiveStart = optionalString(input, 'ExclusiveStartShardId');
    if (exclusiveStart !== undefined) startIndex = (shardIndexOf(exclusiveStart, Number.MAX_SAFE_INTEGER) ?? -1) + 1;
  }
  const stream = ctx.store.require(streamName, ctx.accountId);
  const max = optionalInt(input, 'MaxResults', 1, 10_000) ?? 1000;
  const shards = describeShards(stream).slice(startIndex, startIndex + max);
  const next = startIndex + shards.length;
  return {
    Shards: shards,
    ...(next < stream.shardCount ? { NextToken: Buffer.from(`${next}/${stream.name}`).toString('base64url') } : {}),
  };
}

function changeRetention(ctx: KinesisContext, input: Input, direction: 'increase' | 'decrease'): Record<string, never> {
  const stream = requireStream(ctx, input);
  const hours = optionalInt(input, 'RetentionPeriodHours', 24, MAX_RETENTION_HOURS);
  if (hours === undefined) throw new KinesisError('ValidationException', 'RetentionPeriodHours is required');
  if (direction === 'increase' ? hours < stream.retentionHours : hours > stream.retentionHours) {
    throw invalidArgument(`Requested retention period (${hours} hours) for stream ${stream.name} can not be ${direction === 'increase' ? 'shorter' : 'longer'} than existing retention period (${stream.retentionHours} hours). Use ${direction === 'increase' ? 'DecreaseRetentionPeriod' : 'IncreaseRetentionPeriod'} API.`);
  }
  ctx.store.setRetention(stream.name, hours);
  return {};
}

export const increaseStreamRetentionPeriod = (ctx: KinesisContext, input: Input): Record<string, never> =>
  changeRetention(ctx, input, 'increase');
export const decreaseStreamRetentionPeriod = (ctx: KinesisContext, input: Input): Record<string, never> =>
  changeRetention(ctx, input, 'decrease');
