import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import type { OriginMessage } from '../../../../replication/global-tables/publishFromOrigin.js';

/**
 * Which messages are on this region's event stream already: the trigger asks only for redelivered
 * records whose earlier attempt was claimed but never confirmed (a put may have landed just before
 * the region lost its database, say). Reads each shard once, from a little before the earliest claim
 * (the clocks of the function and the stream differ) to its end, matching partition key and bytes.
 * A rare path: it costs one read of what was published since the claim.
 */
const CLOCK_MARGIN_MS = 10_000;
const MAX_PAGES_PER_SHARD = 10_000;

export function kinesisPublicationCheck(streamName: string, kinesis: KinesisClient = new KinesisClient({ maxAttempts: 3 })) {
  const decoder = new TextDecoder();
  return async (messages: OriginMessage[], sinceMs: number): Promise<Set<string>> => {
    const wanted = new Map(messages.flatMap((m) => (m.id === undefined ? [] : [[`${m.partitionKey}\n${m.data}`, m.id] as const])));
    const found = new Set<string>();
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
          for (const r of records) {
            const id = r.Data ? wanted.get(`${r.PartitionKey}\n${decoder.decode(r.Data)}`) : undefined;
            if (id !== undefined) found.add(id);
          }
          if (found.size === wanted.size) return found;
          if (records.length === 0 && !batch.MillisBehindLatest) break;
          iterator = batch.NextShardIterator;
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return found;
  };
}
