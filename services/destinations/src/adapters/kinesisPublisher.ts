import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { OriginMessage } from '../../../../replication/global-tables/publishFromOrigin.js';

/**
 * Publishes a wave of messages on this region's event stream with one PutRecords call (endpoint from
 * AWS_ENDPOINT_URL_KINESIS locally). PutRecords can fail some records and not others: the answer says,
 * per message, undefined (on the stream) or why not.
 */
export function kinesisPublisher(streamName: string, kinesis: KinesisClient = new KinesisClient({ maxAttempts: 3 })) {
  const encoder = new TextEncoder();
  return async (messages: OriginMessage[]): Promise<(Error | undefined)[]> => {
    if (messages.length === 0) return [];
    const out = await kinesis.send(new PutRecordsCommand({
      StreamName: streamName,
      Records: messages.map((m) => ({ PartitionKey: m.partitionKey, Data: encoder.encode(m.data) })),
    }));
    return messages.map((_, i) => {
      const result = out.Records?.[i];
      if (result?.SequenceNumber && !result.ErrorCode) return undefined;
      return new Error(`PutRecords refused the record: ${result?.ErrorCode ?? 'no result'} ${result?.ErrorMessage ?? ''}`.trim());
    });
  };
}
