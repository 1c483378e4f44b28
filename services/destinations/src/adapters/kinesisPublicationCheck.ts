import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { OriginMessage } from '../../../../replication/global-tables/publishFromOrigin.js';

/**
 * Whether a message is on this region's event stream already: the trigger asks only when a
 * redelivered record's earlier attempt was claimed but never confirmed (the put may have landed
 * just before the region lost its database, say). Reads each shard from a little before the claim
 * (clocks of the function and the stream differ) to its end, looking for the same partition key and
 * the same bytes. A rare path: it costs a read of what was published since the claim.
 */
const CLOCK_MARGIN_MS = 10_000;
const MAX_PAGES_PER_SHARD = 10_000;

export function kinesisPublicationCheck(streamName: string, kinesis: KinesisClient = new KinesisClient({ maxAttempts: 3 })) {
  const decoder = new TextDecoder();
  return async (message: OriginMessage, sinceMs: number): Promise<boolean> => {
    let nextToken: string | undefined;
    do {
      const page = await kinesis.send(new ListShardsCommand(nextToken ? { NextToken: nextToken } : { StreamName: streamName }));
      for (const shard of page.Shards ?? []) {
        const start = await kinesis.send(new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: new Date(sinceMs - CLOCK_MARGIN_MS),
        }));
        let iterator = start.ShardIterator;
        for (let pages = 0; iterator && pages < MAX_PAGES_PER_SHARD; pages++) {
          const batch = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
          const records = batch.Records ?? [];
          if (records.some((r) => r.PartitionKey === message.partitionKey && r.Data && decoder.decode(r.Data) === message.data)) return true;
          if (records.length === 0 && !batch.MillisBehindLatest) break;
          iterator = batch.NextShardIterator;
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return false;
  };
}
