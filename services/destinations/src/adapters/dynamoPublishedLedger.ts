import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Claim, PublishedLedger } from '../../../../replication/global-tables/publishFromOrigin.js';
import { isConditionFailed } from './documentClient.js';

/**
 * Which events this region's trigger has claimed and published: a regional table (not global: only
 * the origin region publishes an event, so only it needs to know), keyed by event id, items
 * {eventId, state: claimed | published, claimedAt, publishedAt?, expiresAt}. Entries expire by TTL
 * after two days, beyond the 24 hours for which a stream can redeliver a record.
 */
const RETAIN_SECONDS = 2 * 24 * 3600;

interface Entry {
  eventId: string;
  state: 'claimed' | 'published';
  claimedAt?: number;
  publishedAt?: number;
  expiresAt: number;
}

export function dynamoPublishedLedger(db: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now): PublishedLedger {
  const read = async (id: string) => (await db.send(new GetCommand({ TableName: tableName, Key: { eventId: id }, ConsistentRead: true }))).Item as Entry | undefined;
  return {
    async claim(id): Promise<Claim> {
      const claimedAt = now();
      const entry: Entry = { eventId: id, state: 'claimed', claimedAt, expiresAt: Math.floor(claimedAt / 1000) + RETAIN_SECONDS };
      try {
        await db.send(new PutCommand({ TableName: tableName, Item: entry, ConditionExpression: 'attribute_not_exists(eventId)' }));
        return { state: 'new' };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
      const earlier = await read(id);
      if (earlier?.state === 'published') return { state: 'published' };
      return { state: 'claimed', claimedAt: earlier?.claimedAt ?? claimedAt };
    },
    async confirm(id) {
      const publishedAt = now();
      const entry: Entry = { eventId: id, state: 'published', publishedAt, expiresAt: Math.floor(publishedAt / 1000) + RETAIN_SECONDS };
      await db.send(new PutCommand({ TableName: tableName, Item: entry }));
    },
  };
}
