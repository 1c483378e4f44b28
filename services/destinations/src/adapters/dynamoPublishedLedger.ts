import { BatchGetCommand, BatchWriteCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry, PublishedLedger } from '../../../../replication/global-tables/publishFromOrigin.js';

/**
 * Which events this region's trigger has claimed and published: a regional table (not global: only
 * the origin region publishes an event, so only it needs to know), keyed by event id, items
 * {eventId, state: claimed | published, claimedAt?, publishedAt?, expiresAt}. Entries expire by TTL
 * after two days, beyond the 24 hours for which a stream can redeliver a record.
 *
 * A claim is one conditional transaction ("none of these exist yet"), so the usual batch, all new,
 * costs one round trip before its put; only when some id is known already (a redelivery) does the
 * claim read what it knows and write the rest. A confirm is one batch write.
 */
const RETAIN_SECONDS = 2 * 24 * 3600;
const TRANSACTION_CHUNK = 100;
const READ_CHUNK = 100;
const WRITE_CHUNK = 25;

export function dynamoPublishedLedger(db: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now): PublishedLedger {
  const expiresAt = (at: number) => Math.floor(at / 1000) + RETAIN_SECONDS;
  const claimItem = (eventId: string, claimedAt: number) => ({ eventId, state: 'claimed', claimedAt, expiresAt: expiresAt(claimedAt) });

  const write = async (items: Record<string, unknown>[]) => {
    for (let i = 0; i < items.length; i += WRITE_CHUNK) {
      let requests = items.slice(i, i + WRITE_CHUNK).map((Item) => ({ PutRequest: { Item } }));
      // BatchWriteItem may leave some items unprocessed (throttling): send those again, backing off.
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`${tableName}: ${requests.length} ledger writes still unprocessed after retries`);
        if (attempt > 0) await sleep(Math.min(1_000, 25 * 2 ** attempt));
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };

  const lookup = async (ids: string[]) => {
    const found = new Map<string, LedgerEntry>();
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      let keys = ids.slice(i, i + READ_CHUNK).map((eventId) => ({ eventId }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`${tableName}: ${keys.length} ledger reads still unprocessed after retries`);
        if (attempt > 0) await sleep(Math.min(1_000, 25 * 2 ** attempt));
        const out = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of out.Responses?.[tableName] ?? []) {
          found.set(String(item.eventId), item.state === 'published' ? { state: 'published' } : { state: 'claimed', claimedAt: Number(item.claimedAt ?? 0) });
        }
        keys = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof keys;
      }
    }
    return found;
  };

  /** True when every id was new and is now claimed; false when the transaction was refused (some id exists). */
  const claimAllNew = async (ids: string[], claimedAt: number): Promise<boolean> => {
    try {
      await db.send(new TransactWriteCommand({
        TransactItems: ids.map((id) => ({ Put: { TableName: tableName, Item: claimItem(id, claimedAt), ConditionExpression: 'attribute_not_exists(eventId)' } })),
      }));
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'TransactionCanceledException') return false;
      throw error;
    }
  };

  return {
    async claim(ids) {
      const claimedAt = now();
      const known = new Map<string, LedgerEntry>();
      for (let i = 0; i < ids.length; i += TRANSACTION_CHUNK) {
        const chunk = ids.slice(i, i + TRANSACTION_CHUNK);
        if (await claimAllNew(chunk, claimedAt)) continue;
        // A redelivery: read what is known, claim the rest (one trigger per shard: nobody races us here).
        const found = await lookup(chunk);
        for (const [id, entry] of found) known.set(id, entry);
        await write(chunk.filter((id) => !found.has(id)).map((id) => claimItem(id, claimedAt)));
      }
      return known;
    },
    async confirm(ids) {
      const publishedAt = now();
      await write(ids.map((eventId) => ({ eventId, state: 'published', publishedAt, expiresAt: expiresAt(publishedAt) })));
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
