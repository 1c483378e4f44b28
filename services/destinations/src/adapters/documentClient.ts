import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The DynamoDB client every handler uses: region, endpoint and credentials come from the
 * environment (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB in the local cloud), so the same code runs in
 * both targets. Short timeouts with the SDK's retries, as the book advises (seed notes §7): a
 * request stuck on a sick endpoint fails fast and is retried rather than eating the function's
 * timeout. Not the book's 1 s for connecting: on a busy two-core machine running the local cloud,
 * connecting to 127.0.0.1 alone took over a second under load and failed requests that would have worked.
 */
export function documentClient(): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 3_000 } });
  return DynamoDBDocumentClient.from(client);
}

/** True for the error DynamoDB answers when a conditional write's condition does not hold. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
