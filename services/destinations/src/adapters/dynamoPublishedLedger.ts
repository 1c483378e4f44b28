import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry, PublishedLedger } from '../../../../replication/global-tables/publishFromOrigin.js';

/**
 * Which events this region's trigger has claimed and published: a regional table (not global: only
 * the origin region publishes an event, so only it needs to know), keyed by event id, items
 * {eventId, state: claimed | published, claimedAt?, publishedAt?, expiresAt}. Batch reads and writes,
 * so a batch of records costs three calls whatever its size. Entries expire by TTL after two days,
 * beyond the 24 hours for which a stream can redeliver a record.
 */
const RETAIN_SECONDS = 2 * 24 * 3600;
const READ_CHUNK = 100;
const WRITE_CHUNK = 25;

export function dynamoPublishedLedger(db: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now): PublishedLedger {
  const write = async (items: Record<string, unknown>[]) => {
    for (let i = 0; i < items.length; i += WRITE_CHUNK) {
      let requests = items.slice(i, i + WRITE_CHUNK).map((Item) => ({ PutRequest: { Item } }));
      // BatchWriteItem may leave some items unprocessed (throttling): send those again, backing off.
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 25 * 2 ** attempt)));
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (attempt > 8 && requests.length > 0) throw new Error(`${tableName}: ${requests.length} ledger writes still unprocessed after retries`);
      }
    }
  };
  const expiresAt = (at: number) => Math.floor(at / 1000) + RETAIN_SECONDS;
  return {
    async lookup(ids) {
      const found = new Map<string, LedgerEntry>();
      for (let i = 0; i < ids.length; i += READ_CHUNK) {
        let keys = ids.slice(i, i + READ_CHUNK).map((eventId) => ({ eventId }));
        for (let attempt = 0; keys.length > 0; attempt++) {
          if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 25 * 2 ** attempt)));
          const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
          for (const item of out.Responses?.[tableName] ?? []) {
            const id = String(item.eventId);
            found.set(id, item.state === 'published' ? { state: 'published' } : { state: 'claimed', claimedAt: Number(item.claimedAt ?? 0) });
          }
          keys = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof keys;
          if (attempt > 8 && keys.length > 0) throw new Error(`${tableName}: ${keys.length} ledger reads still unprocessed after retries`);
        }
      }
      return found;
    },
    async claim(ids) {
      const claimedAt = now();
      await write(ids.map((eventId) => ({ eventId, state: 'claimed', claimedAt, expiresAt: expiresAt(claimedAt) })));
    },
    async confirm(ids) {
      const publishedAt = now();
      await write(ids.map((eventId) => ({ eventId, state: 'published', publishedAt, expiresAt: expiresAt(publishedAt) })));
    },
  };
}
