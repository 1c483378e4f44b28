import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { stampOrigin } from '../../../../replication/global-tables/originFilter.js';
import type { DestinationEvent } from '../domain/events.js';
import { parseEvent } from '../domain/eventShape.js';
import type { EventStore, Lifecycle } from '../app/ports.js';
import type { Log } from '../../../toolkit/logger.js';
import { isConditionFailed } from './documentClient.js';

/**
 * The event store: a global table, one item per event, key (partitionKey = destination id,
 * eventId). Items are {partitionKey, eventId, type, timestamp, event: <the event as JSON>,
 * meridian:origin}. The event is kept as the exact JSON that gets published, so the stream trigger
 * publishes it without re-encoding; type and timestamp sit beside it for queries.
 *
 * Append-only: every put is conditional on the key being new, so a retried command or a repeated
 * validator answer (same event id) adds nothing, and no stream record ever asks to publish twice.
 * Every item is stamped with this region (the origin filter's current-mode attribute).
 */
export interface EventStoreItem {
  partitionKey: string;
  eventId: string;
  type: string;
  timestamp: number;
  event: string;
}

export function dynamoEventStore(db: DynamoDBDocumentClient, tableName: string, region: string, log: Log): EventStore {
  return {
    async append(event) {
      const item: EventStoreItem = { partitionKey: event.partitionKey, eventId: event.id, type: event.type, timestamp: event.timestamp, event: JSON.stringify(event) };
      try {
        await db.send(new PutCommand({
          TableName: tableName,
          Item: stampOrigin({ ...item }, region),
          ConditionExpression: 'attribute_not_exists(eventId)',
        }));
        return 'appended';
      } catch (error) {
        if (isConditionFailed(error)) return 'duplicate';
        throw error;
      }
    },

    async history(destinationId) {
      const items = await queryAll(db, tableName, destinationId, ['eventId', 'event']);
      const events: DestinationEvent[] = [];
      for (const item of items) {
        const parsed = parseEvent(typeof item.event === 'string' ? safeJson(item.event) : undefined);
        if (parsed.ok) events.push(parsed.event);
        else log.error('event store item is not a destination event; left out of the read model', { tableName, destinationId, eventId: item.eventId, reason: parsed.reason });
      }
      return events;
    },

    async lifecycle(destinationId): Promise<Lifecycle> {
      const types = (await queryAll(db, tableName, destinationId, ['type'])).map((item) => item.type);
      if (types.includes('destinationRemoved')) return 'removed';
      return types.includes('destinationProposed') ? 'active' : 'unknown';
    },
  };
}

async function queryAll(db: DynamoDBDocumentClient, tableName: string, destinationId: string, attributes: string[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'partitionKey = :id',
      ExpressionAttributeValues: { ':id': destinationId },
      ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
      // Read-your-writes in this region: a PUT right after the POST that created it must find it.
      ConsistentRead: true,
      ExclusiveStartKey: startKey,
    }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
