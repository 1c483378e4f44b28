import type { DynamoDBRecord } from 'aws-lambda';
import type { OriginMessage } from '../../../../replication/global-tables/publishFromOrigin.js';
import type { Log } from '../../../toolkit/logger.js';

/**
 * Which event-store stream records are domain events, and what is published for them: the stored
 * event JSON, keyed by destination id, with the event id for the published ledger. The store is append-only, so only an INSERT is a new event
 * (a MODIFY of the origin's own item is a legacy table stamping aws:rep:*, which the origin filter
 * also drops). An INSERT without the event attribute was not written by the event store; retrying
 * cannot fix it, so it is logged and skipped instead of blocking the shard.
 */
export function eventStoreMessages(log: Log): (record: DynamoDBRecord) => OriginMessage | undefined {
  return (record) => {
    if (record.eventName !== 'INSERT') return undefined;
    const image = record.dynamodb?.NewImage;
    const data = image?.event?.S;
    const partitionKey = image?.partitionKey?.S;
    const id = image?.eventId?.S;
    if (data === undefined || partitionKey === undefined || id === undefined) {
      log.error('event store item without partitionKey, eventId or event: not published', { eventID: record.eventID, keys: Object.keys(image ?? {}) });
      return undefined;
    }
    return { partitionKey, data, id };
  };
}
