import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PublishedLedger } from '../../../../replication/global-tables/publishFromOrigin.js';

/**
 * Which events this region's trigger has published: a regional table (not global: only the origin
 * region publishes an event, so only it needs to know), keyed by event id. Entries expire by TTL
 * after two days, beyond the 24 hours for which a stream can redeliver a record.
 */
const RETAIN_SECONDS = 2 * 24 * 3600;

export function dynamoPublishedLedger(db: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now): PublishedLedger {
  return {
    async has(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { eventId: id }, ConsistentRead: true, ProjectionExpression: 'eventId' }));
      return Item !== undefined;
    },
    async add(id) {
      const publishedAt = now();
      await db.send(new PutCommand({ TableName: tableName, Item: { eventId: id, publishedAt, expiresAt: Math.floor(publishedAt / 1000) + RETAIN_SECONDS } }));
    },
  };
}
