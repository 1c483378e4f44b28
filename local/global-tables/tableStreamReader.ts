import { DescribeTableCommand, ResourceNotFoundException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { ReplicationState } from './replicationState.js';

export interface TableStreamReaderOptions {
  region: string;
  tableName: string;
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  state: ReplicationState;
  /** Handles a batch synchronously, inside the transaction that also advances the checkpoint. */
  onRecords: (records: StreamRecord[]) => void;
}

// A table's shard list changes rarely (DynamoDB rolls shards over every few hours); re-read it now and then.
const SHARD_REFRESH_MS = 2_000;

/**
 * Reads one table's stream in one region, shard by shard in lineage order (a child shard only after
 * its parent is finished), from a durable checkpoint, so each record reaches `onRecords` once per
 * successful commit and a crash resumes where the last commit left off.
 */
export class TableStreamReader {
  private streamArn: string | undefined;
  private shards: Shard[] = [];
  private shardsReadAt = 0;
  private readonly iterators = new Map<string, string>();

  constructor(private readonly opts: TableStreamReaderOptions) {}

  /** Reads what is available now; returns how many records it handled. */
  async poll(): Promise<number> {
    if (!(await this.refreshShards())) return 0;
    let handled = 0;
    for (const shard of this.readableShards()) handled += await this.readShard(shard);
    return handled;
  }

  private async refreshShards(): Promise<boolean> {
    if (this.streamArn && Date.now() - this.shardsReadAt < SHARD_REFRESH_MS) return true;
    const { dynamodb, streams, tableName } = this.opts;
    let arn: string | undefined;
    try {
      const table = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
      arn = table.Table?.LatestStreamArn;
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return false; // not created in this region yet
      throw e;
    }
    if (!arn) return false;
    if (arn !== this.streamArn) this.iterators.clear();
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }));
      shards.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    this.streamArn = arn;
    this.shards = shards;
    this.shardsReadAt = Date.now();
    return true;
  }

  private readableShards(): Shard[] {
    const { state, region } = this.opts;
    const arn = this.streamArn!;
    const known = new Set(this.shards.map((s) => s.ShardId));
    const closed = (id: string) => state.checkpoint(region, arn, id)?.closed === true;
    return this.shards.filter((s) => {
      if (!s.ShardId || closed(s.ShardId)) return false;
      const parent = s.ParentShardId;
      return !parent || !known.has(parent) || closed(parent);
    });
  }

  private async readShard(shard: Shard): Promise<number> {
    const { streams, state, region, onRecords } = this.opts;
    const arn = this.streamArn!;
    const shardId = shard.ShardId!;
    let iterator = this.iterators.get(shardId);
    if (!iterator) {
      const at = state.checkpoint(region, arn, shardId)?.sequence;
      const it = await streams.send(new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: shardId,
        ...(at ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: at } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }));
      iterator = it.ShardIterator;
      if (!iterator) return 0;
    }
    let page;
    try {
      page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    } catch (e) {
      // An expired or trimmed iterator is re-made from the checkpoint on the next poll.
      this.iterators.delete(shardId);
      if ((e as Error).name === 'ExpiredIteratorException' || (e as Error).name === 'TrimmedDataAccessException') return 0;
      throw e;
    }
    const records = page.Records ?? [];
    const last = records.at(-1)?.dynamodb?.SequenceNumber ?? null;
    const closedNow = !page.NextShardIterator;
    if (records.length > 0 || closedNow) {
      state.transaction(() => {
        if (records.length > 0) onRecords(records);
        state.setCheckpoint(region, arn, shardId, last, closedNow);
      });
    }
    if (closedNow) this.iterators.delete(shardId);
    else this.iterators.set(shardId, page.NextShardIterator!);
    return records.length;
  }
}
