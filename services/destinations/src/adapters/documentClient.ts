import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The DynamoDB client every handler uses: region, endpoint and credentials come from the
 * environment (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB in the local cloud), so the same code runs in
 * both targets. Short timeouts with the SDK's retries, as the book advises (seed notes §7): a
 * request stuck on a sick endpoint fails fast and is retried rather than eating the function's timeout.
 */
export function documentClient(): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } });
  return DynamoDBDocumentClient.from(client);
}

/** True for the error DynamoDB answers when a conditional write's condition does not hold. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
