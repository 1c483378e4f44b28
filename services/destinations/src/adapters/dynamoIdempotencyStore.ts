import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyRecord, IdempotencyStore } from '../app/ports.js';
import { isConditionFailed } from './documentClient.js';

/**
 * Idempotency records in a global table (key `scope`, TTL attribute `expiresAt`), so a key sent to
 * either region finds the other's record once it has replicated. An item is about 250 bytes: the
 * scope hash, the request fingerprint, the answer's status and its small JSON body.
 * DynamoDB's TTL deletes expired items within days, not at once, so reads ignore them too.
 */
export function dynamoIdempotencyStore(db: DynamoDBDocumentClient, tableName: string): IdempotencyStore {
  const get = async (scope: string, nowSeconds: number): Promise<IdempotencyRecord | undefined> => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { scope }, ConsistentRead: true }));
    const record = toRecord(Item);
    return record && record.expiresAt > nowSeconds ? record : undefined;
  };
  return {
    get,
    async keep(record, nowSeconds) {
      try {
        await db.send(new PutCommand({
          TableName: tableName,
          Item: { ...record },
          ConditionExpression: 'attribute_not_exists(#scope) OR #expiresAt <= :now',
          ExpressionAttributeNames: { '#scope': 'scope', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }));
        return { kept: true };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        return { kept: false, existing: await get(record.scope, nowSeconds) };
      }
    },
  };
}

function toRecord(item: Record<string, unknown> | undefined): IdempotencyRecord | undefined {
  if (!item) return undefined;
  const { scope, fingerprint, statusCode, body, expiresAt } = item;
  if (typeof scope !== 'string' || typeof fingerprint !== 'string' || typeof statusCode !== 'number' || typeof body !== 'string' || typeof expiresAt !== 'number') return undefined;
  return { scope, fingerprint, statusCode, body, expiresAt };
}
