import type { DynamoDBBatchResponse, KinesisStreamBatchResponse } from 'aws-lambda';

/**
 * What a stream handler (Kinesis or DynamoDB, `functionResponseType: ReportBatchItemFailures`)
 * answers: both sources share the shape, so one value serves either.
 */
export type StreamBatchResponse = KinesisStreamBatchResponse & DynamoDBBatchResponse;

/**
 * Lambda's partial batch response "redeliver from this record on" (nothing failed when undefined).
 * For consumers that must not let a record overtake an earlier failed one of the same key: Lambda
 * checkpoints before the reported sequence number and delivers it and every later record again.
 */
export function failedFrom(sequenceNumber: string | undefined): StreamBatchResponse {
  return { batchItemFailures: sequenceNumber === undefined ? [] : [{ itemIdentifier: sequenceNumber }] };
}
