import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** The fields of Lambda's event shapes these handlers read (no @types/aws-lambda here). */

export interface DynamoDbStreamRecord {
  eventID?: string;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  dynamodb?: {
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
    SequenceNumber?: string;
  };
}

export interface DynamoDbStreamEvent {
  Records: DynamoDbStreamRecord[];
}

/** What a stream handler returns with functionResponseType ReportBatchItemFailures. */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** API Gateway REST proxy event (v1), the parts read here. */
export interface ApiGatewayEvent {
  httpMethod: string;
  path: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  requestContext?: { stage?: string };
}

export interface ApiGatewayResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}
