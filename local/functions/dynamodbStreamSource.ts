import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type AttributeValue,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { formatArn, parseArn } from '../../regions/arn.js';
import type { SourceRecord } from './batchProcessor.js';
import type { PollerClientConfig } from './clientConfig.js';
import type { ShardPosition, StreamSource } from './streamSource.js';

export interface DynamodbStreamSourceOptions {
  client: PollerClientConfig;
  tableName: string;
  region: string;
  accountId: string;
}

/** A table's stream (its latest one, so a re-created table is followed) read through the real SDK. */
export function dynamodbStreamSource(options: DynamodbStreamSourceOptions): StreamSource {
  const dynamodb = new DynamoDBClient(options.client);
  const streams = new DynamoDBStreamsClient(options.client);

  return {
    async describe(signal) {
      let streamArn: string | undefined;
      try {
        const table = await dynamodb.send(new DescribeTableCommand({ TableName: options.tableName }), { abortSignal: signal });
        streamArn = table.Table?.StreamSpecification?.StreamEnabled ? table.Table.LatestStreamArn : undefined;
      } catch (e) {
        if (e instanceof Error && e.name === 'ResourceNotFoundException') return undefined;
        throw e;
      }
      if (!streamArn) return undefined;
      const shards: Shard[] = [];
      let exclusiveStartShardId: string | undefined;
      do {
        const page = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }), {
          abortSignal: signal,
        });
        shards.push(...(page.StreamDescription?.Shards ?? []));
        exclusiveStartShardId = page.StreamDescription?.LastEvaluatedShardId;
      } while (exclusiveStartShardId);
      return {
        streamId: streamArn,
        eventSourceArn: inRegion(streamArn, options.region, options.accountId),
        shards: shards.flatMap((s) =>
          s.ShardId ? [{ shardId: s.ShardId, parentShardId: s.ParentShardId, closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined }] : [],
        ),
      };
    },

    async shardIterator(stream, shardId, position, signal) {
      const out = await streams.send(new GetShardIteratorCommand({ StreamArn: stream.streamId, ShardId: shardId, ...iteratorType(position) }), {
        abortSignal: signal,
      });
      return out.ShardIterator;
    },

    async getRecords(stream, _shardId, iterator, limit, signal) {
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), { abortSignal: signal });
      const records: SourceRecord[] = (out.Records ?? []).map((r) => ({
        sequenceNumber: r.dynamodb?.SequenceNumber ?? '',
        record: lambdaRecord(r, options.region, stream.eventSourceArn),
      }));
      return { records, nextIterator: out.NextShardIterator ?? undefined };
    },

    close() {
      dynamodb.destroy();
      streams.destroy();
    },
  };
}

function iteratorType(position: ShardPosition) {
  return 'afterSequenceNumber' in position
    ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, SequenceNumber: position.afterSequenceNumber }
    : { ShardIteratorType: position.at };
}

/** DynamoDB Local's stream ARNs name region `ddblocal` and account 000000000000: handlers see the real ones. */
function inRegion(arn: string, region: string, accountId: string): string {
  const parsed = parseArn(arn);
  return parsed ? formatArn({ ...parsed, region, accountId }) : arn;
}

/** One stream record exactly as Lambda delivers it: JSON-ready, epoch seconds, binary in base64. */
export function lambdaRecord(record: StreamRecord, region: string, eventSourceArn: string): Record<string, unknown> {
  const d = record.dynamodb ?? {};
  const dynamodb: Record<string, unknown> = {};
  if (d.ApproximateCreationDateTime) dynamodb['ApproximateCreationDateTime'] = Math.floor(d.ApproximateCreationDateTime.getTime() / 1000);
  if (d.Keys) dynamodb['Keys'] = lambdaItem(d.Keys);
  if (d.NewImage) dynamodb['NewImage'] = lambdaItem(d.NewImage);
  if (d.OldImage) dynamodb['OldImage'] = lambdaItem(d.OldImage);
  dynamodb['SequenceNumber'] = d.SequenceNumber;
  dynamodb['SizeBytes'] = d.SizeBytes;
  dynamodb['StreamViewType'] = d.StreamViewType;
  const out: Record<string, unknown> = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb,
    eventSourceARN: eventSourceArn,
  };
  // Present on deletes made by TTL, which handlers tell apart this way.
  if (record.userIdentity) out['userIdentity'] = { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId };
  return out;
}

type LambdaAttributeValue = { [type: string]: unknown };

function lambdaItem(item: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, lambdaValue(value)]));
}

function lambdaValue(value: AttributeValue): LambdaAttributeValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.M !== undefined) return { M: lambdaItem(value.M) };
  if (value.L !== undefined) return { L: value.L.map(lambdaValue) };
  // S, N, SS, NS, BOOL, NULL are JSON already.
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
