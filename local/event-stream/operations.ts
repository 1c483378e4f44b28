import type { KinesisContext } from './context.js';
import type { Input } from './input.js';
import * as streams from './streamOperations.js';
import * as records from './recordOperations.js';

export type Operation = (ctx: KinesisContext, input: Input) => Record<string, unknown>;

/** The Kinesis_20131202 operations served locally, by X-Amz-Target operation name. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateStream: streams.createStream,
  DeleteStream: streams.deleteStream,
  DescribeStream: streams.describeStream,
  DescribeStreamSummary: streams.describeStreamSummary,
  ListStreams: streams.listStreams,
  ListShards: streams.listShards,
  IncreaseStreamRetentionPeriod: streams.increaseStreamRetentionPeriod,
  DecreaseStreamRetentionPeriod: streams.decreaseStreamRetentionPeriod,
  PutRecord: records.putRecord,
  PutRecords: records.putRecords,
  GetShardIterator: records.getShardIterator,
  GetRecords: records.getRecords,
};
