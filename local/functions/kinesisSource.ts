import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, type _Record as KinesisRecord, type Shard } from '@aws-sdk/client-kinesis';
import { formatArn } from '../../regions/arn.js';
import type { SourceRecord } from './batchProcessor.js';
import type { PollerClientConfig } from './clientConfig.js';
import type { ShardPosition, StreamSource } from './streamSource.js';

export interface KinesisSourceOptions {
  client: PollerClientConfig;
  streamName: string;
  functionName: string;
  region: string;
  accountId: string;
}

/** A Kinesis stream read through the real SDK, against whatever Kinesis-compatible endpoint the region runs. */
export function kinesisSource(options: KinesisSourceOptions): StreamSource {
  const kinesis = new KinesisClient(options.client);
  const eventSourceArn = formatArn({ service: 'kinesis', region: options.region, accountId: options.accountId, resource: `stream/${options.streamName}` });
  // On AWS this is the function's execution role; locally there is none, so name one after the function.
  const invokeIdentityArn = formatArn({ service: 'iam', region: '', accountId: options.accountId, resource: `role/${options.functionName}` });

  return {
    async describe(signal) {
      const shards: Shard[] = [];
      let nextToken: string | undefined;
      try {
        do {
          // ListShards takes either the stream name or a continuation token, never both.
          const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: options.streamName }), {
            abortSignal: signal,
          });
          shards.push(...(page.Shards ?? []));
          nextToken = page.NextToken;
        } while (nextToken);
      } catch (e) {
        if (e instanceof Error && e.name === 'ResourceNotFoundException') return undefined;
        throw e;
      }
      return {
        streamId: options.streamName,
        eventSourceArn,
        shards: shards.map((s) => ({
          shardId: s.ShardId ?? '',
          parentShardId: s.ParentShardId,
          closed: s.SequenceNumberRange?.EndingSequenceNumber !== undefined,
        })),
      };
    },

    async shardIterator(stream, shardId, position, signal) {
      const out = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream.streamId, ShardId: shardId, ...iteratorType(position) }), {
        abortSignal: signal,
      });
      return out.ShardIterator;
    },

    async getRecords(_stream, shardId, iterator, limit, signal) {
      const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }), { abortSignal: signal });
      const records: SourceRecord[] = (out.Records ?? []).map((r) => ({
        sequenceNumber: r.SequenceNumber ?? '',
        record: lambdaRecord(r, shardId, options.region, eventSourceArn, invokeIdentityArn),
      }));
      return { records, nextIterator: out.NextShardIterator ?? undefined };
    },

    close() {
      kinesis.destroy();
    },
  };
}

function iteratorType(position: ShardPosition) {
  return 'afterSequenceNumber' in position
    ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER' as const, StartingSequenceNumber: position.afterSequenceNumber }
    : { ShardIteratorType: position.at };
}

/** One Kinesis record exactly as Lambda delivers it: data in base64, arrival time in epoch seconds. */
export function lambdaRecord(record: KinesisRecord, shardId: string, region: string, eventSourceArn: string, invokeIdentityArn: string) {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey,
      sequenceNumber: record.SequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn,
    awsRegion: region,
    eventSourceARN: eventSourceArn,
  };
}
