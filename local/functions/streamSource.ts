import type { SourceRecord } from './batchProcessor.js';

export interface StreamShard {
  shardId: string;
  parentShardId?: string;
  /** No new records will arrive (an ending sequence number is set). */
  closed: boolean;
}

export interface StreamDescription {
  /** How the stream is named in API calls (DynamoDB Local's own ARN, a Kinesis stream name). */
  streamId: string;
  /** The ARN handlers see in eventSourceARN, in this region and account. */
  eventSourceArn: string;
  shards: StreamShard[];
}

export type ShardPosition = { afterSequenceNumber: string } | { at: 'TRIM_HORIZON' | 'LATEST' };

/** What a poller needs from DynamoDB Streams or Kinesis; both speak shards, iterators and sequence numbers. */
export interface StreamSource {
  /** The stream as it stands; undefined while it does not exist (its table or stream not yet created). */
  describe(signal: AbortSignal): Promise<StreamDescription | undefined>;
  shardIterator(stream: StreamDescription, shardId: string, position: ShardPosition, signal: AbortSignal): Promise<string | undefined>;
  /** Records in Lambda's event shape; nextIterator undefined once a closed shard is exhausted. */
  getRecords(stream: StreamDescription, shardId: string, iterator: string, limit: number, signal: AbortSignal): Promise<{ records: SourceRecord[]; nextIterator: string | undefined }>;
  close(): void;
}

/** The service said the iterator is stale or the checkpoint fell off the stream's retention. */
export type IteratorProblem = 'expired' | 'trimmed' | undefined;

export function iteratorProblem(error: unknown): IteratorProblem {
  const name = error instanceof Error ? error.name : '';
  if (name === 'ExpiredIteratorException') return 'expired';
  if (name === 'TrimmedDataAccessException') return 'trimmed';
  return undefined;
}
