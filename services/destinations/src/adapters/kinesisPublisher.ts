import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import type { OriginMessage } from '../../../../replication/global-tables/publishFromOrigin.js';

/** Publishes one message on this region's event stream (endpoint from AWS_ENDPOINT_URL_KINESIS locally). */
export function kinesisPublisher(streamName: string, kinesis: KinesisClient = new KinesisClient({ maxAttempts: 3 })) {
  const encoder = new TextEncoder();
  return async (message: OriginMessage): Promise<void> => {
    await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: message.partitionKey, Data: encoder.encode(message.data) }));
  };
}
