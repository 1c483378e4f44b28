import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ORIGIN_ATTRIBUTE, stampOrigin } from '../../../../replication/global-tables/originFilter.js';
import { LEGACY_ATTRIBUTES } from '../../../../replication/global-tables/legacyAttributes.js';
import type { DestinationView } from '../domain/readModel.js';
import type { ReadModelStore } from '../app/ports.js';
import { isConditionFailed } from './documentClient.js';

/**
 * The read model: a global table keyed by id, one item per destination in the shape of
 * DestinationView plus the origin stamp (consumers of its stream, such as search, filter by origin
 * too). A removed destination stays as a tombstone (removed: true).
 *
 * The conditional put is the inverse optimistic lock: it replaces the item only when the new
 * version is newer (see isNewer in domain/readModel.ts, which this expression mirrors).
 */
export function dynamoReadModel(db: DynamoDBDocumentClient, tableName: string, region: string): ReadModelStore {
  return {
    async get(destinationId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { id: destinationId }, ConsistentRead: true }));
      return Item ? withoutReplicationAttributes(Item) : undefined;
    },

    async save(view) {
      try {
        await db.send(new PutCommand({
          TableName: tableName,
          Item: stampOrigin({ ...view }, region),
          ConditionExpression: 'attribute_not_exists(id) OR lastEventAt < :at OR (lastEventAt = :at AND eventCount < :count)',
          ExpressionAttributeValues: { ':at': view.lastEventAt, ':count': view.eventCount },
        }));
        return 'written';
      } catch (error) {
        if (isConditionFailed(error)) return 'stale';
        throw error;
      }
    },
  };
}

/** The stored item minus what replication and the origin filter add. */
function withoutReplicationAttributes(item: Record<string, unknown>): DestinationView {
  const copy = { ...item };
  for (const name of [ORIGIN_ATTRIBUTE, ...LEGACY_ATTRIBUTES]) delete copy[name];
  return copy as unknown as DestinationView;
}
