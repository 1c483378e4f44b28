import { isFromRegion, type OriginRecord } from './originFilter.js';

/**
 * The stream trigger of a global table, for any service: each record written in this region is
 * published once as a message; records replicated from another region (and a legacy table's own
 * aws:rep:* stamping record) publish nothing. That is what makes every write one domain event,
 * system-wide (DESIGN data flow 1).
 *
 * Records are published one at a time in stream order, so a destination's events keep their order
 * per partition key. On the first failure the batch stops and that record is reported as Lambda's
 * partial batch response: the records before it are not published twice, the failed one and
 * everything after it are delivered again (configure `functionResponseType: ReportBatchItemFailures`).
 *
 * Stream sources deliver at least once: a batch whose invocation finished but was not checkpointed
 * (a region paused or crashed mid-batch, a timeout after the last put) comes again. With a ledger and
 * message ids, each message is claimed before it is published and confirmed after; a redelivered
 * message that is confirmed is skipped, and one that is only claimed (the earlier attempt's outcome is
 * unknown: the put may or may not have landed) is looked for on the stream itself (`wasPublished`)
 * before it is published again. Without `wasPublished` such a message is published again: at least once.
 */

/** A DynamoDB stream record as Lambda delivers it: the fields this module reads. */
export interface TableStreamRecord extends OriginRecord {
  eventID?: string;
  dynamodb?: OriginRecord['dynamodb'] & { SequenceNumber?: string };
}

/** What goes onto the event stream for one write. */
export interface OriginMessage {
  partitionKey: string;
  data: string;
  /** The write's stable id (an event id): with a ledger, what identifies a message already published. */
  id?: string;
}

/** What the ledger knew of a message when it was claimed. */
export type Claim = { state: 'new' } | { state: 'claimed'; claimedAt: number } | { state: 'published' };

/** Remembers which messages this region has published (a regional table, not a global one). */
export interface PublishedLedger {
  /** Records the intent to publish `id` now; answers what an earlier attempt left (keeping its claim time). */
  claim(id: string): Promise<Claim>;
  /** Records that `id` is on the stream. */
  confirm(id: string): Promise<void>;
}

export interface PublishFromOriginOptions<R extends TableStreamRecord> {
  /** The region this trigger runs in (AWS_REGION). */
  region: string;
  /**
   * The message a write of this region stands for, or undefined when the record is not one to
   * publish (e.g. not an INSERT on an append-only table). Throwing counts as a failed record.
   */
  toMessage(record: R): OriginMessage | undefined;
  publish(message: OriginMessage): Promise<void>;
  ledger?: PublishedLedger;
  /** Whether `message` is on the stream already, published at or after `sinceMs` (epoch ms). */
  wasPublished?(message: OriginMessage, sinceMs: number): Promise<boolean>;
}

/** Lambda's partial batch response for stream sources. */
export interface BatchItemFailures {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface PublishOutcome extends BatchItemFailures {
  /** Records published by this call (for logs and tests). */
  published: number;
  /** Records skipped because another region took the write, or toMessage declined them. */
  skipped: number;
  /** Records skipped because the ledger says they were published before (redeliveries). */
  republishAvoided: number;
  /** Why the reported record failed (for the caller's log); absent when the batch succeeded. */
  failure?: unknown;
}

export async function publishFromOrigin<R extends TableStreamRecord>(records: readonly R[], opts: PublishFromOriginOptions<R>): Promise<PublishOutcome> {
  let published = 0;
  let skipped = 0;
  let republishAvoided = 0;
  const { ledger } = opts;
  for (const record of records) {
    try {
      const message = isFromRegion(record, opts.region) ? opts.toMessage(record) : undefined;
      if (message === undefined) {
        skipped++;
        continue;
      }
      const id = ledger ? message.id : undefined;
      if (id !== undefined && (await alreadyPublished(message, id, ledger!, opts))) {
        republishAvoided++;
        continue;
      }
      await opts.publish(message);
      if (id !== undefined) await ledger!.confirm(id);
      published++;
    } catch (error) {
      const itemIdentifier = record.dynamodb?.SequenceNumber;
      // Without a sequence number Lambda cannot resume mid-batch: fail the whole batch instead.
      if (!itemIdentifier) throw error;
      return { batchItemFailures: [{ itemIdentifier }], published, skipped, republishAvoided, failure: error };
    }
  }
  return { batchItemFailures: [], published, skipped, republishAvoided };
}

async function alreadyPublished<R extends TableStreamRecord>(message: OriginMessage, id: string, ledger: PublishedLedger, opts: PublishFromOriginOptions<R>): Promise<boolean> {
  const claim = await ledger.claim(id);
  if (claim.state === 'published') return true;
  if (claim.state === 'claimed' && opts.wasPublished && (await opts.wasPublished(message, claim.claimedAt))) {
    await ledger.confirm(id);
    return true;
  }
  return false;
}
