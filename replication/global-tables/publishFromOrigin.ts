import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { isFromRegion } from './originFilter.js';

/**
 * The stream trigger of a global table, for any service: each record written in this region is
 * published once as a message; records replicated from another region (and a legacy table's own
 * aws:rep:* stamping record) publish nothing. That is what makes every write one domain event,
 * system-wide (DESIGN data flow 1).
 *
 * Records are published in waves (a PutRecords call each) holding at most one message per partition
 * key, in stream order, so one key's messages keep their order while a busy batch costs a few calls
 * instead of one per record. The first record (in stream order) that failed is reported as Lambda's
 * partial batch response: it and everything after it are delivered again (configure
 * `functionResponseType: ReportBatchItemFailures`); the ledger keeps what did go out from going twice.
 *
 * Stream sources deliver at least once: a batch whose invocation ran but was not checkpointed (a
 * region paused or crashed mid-batch, a timeout) comes again. With a ledger and message ids, every
 * message is claimed before it is published and confirmed after, a batch at a time (two ledger
 * calls per batch in the usual case, whatever its size). On redelivery a confirmed message is skipped, and one that is
 * only claimed (its put may or may not have landed) is looked for on the stream itself
 * (`wasPublished`, one scan for the whole batch) before it is published again. Without
 * `wasPublished` such a message is published again: at least once.
 */

/** What goes onto the event stream for one write. */
export interface OriginMessage {
  partitionKey: string;
  data: string;
  /** The write's stable id (an event id): with a ledger, what identifies a message already published. */
  id?: string;
}

/** What the ledger knows of a message: claimed (at epoch ms) by an attempt that did not confirm it, or published. */
export type LedgerEntry = { state: 'claimed'; claimedAt: number } | { state: 'published' };

/** Remembers which messages this region has published (a regional table, not a global one). */
export interface PublishedLedger {
  /**
   * Claims the ids it does not know yet (the intent to publish them now) and answers what it knew of
   * the others; ids absent from the answer were unknown and are claimed now.
   */
  claim(ids: string[]): Promise<Map<string, LedgerEntry>>;
  /** Records that these ids are on the stream. */
  confirm(ids: string[]): Promise<void>;
}

export interface PublishFromOriginOptions<R extends DynamoDBRecord> {
  /** The region this trigger runs in (AWS_REGION). */
  region: string;
  /**
   * The message a write of this region stands for, or undefined when the record is not one to
   * publish (e.g. not an INSERT on an append-only table). Throwing counts as a failed record.
   */
  toMessage(record: R): OriginMessage | undefined;
  /**
   * Publishes a wave (distinct partition keys, at most MAX_WAVE): for each message, undefined when it
   * is on the stream, else why not. Throwing fails the whole wave.
   */
  publish(messages: OriginMessage[]): Promise<(unknown | undefined)[]>;
  ledger?: PublishedLedger;
  /** Which of `messages` are on the stream already, published at or after `sinceMs` (epoch ms): their ids. */
  wasPublished?(messages: OriginMessage[], sinceMs: number): Promise<Set<string>>;
}

/** Lambda's partial batch answer (the first failed record, when one did) and counts for the caller's log. */
export interface PublishOutcome extends DynamoDBBatchResponse {
  /** Records published by this call (for logs and tests). */
  published: number;
  /** Records skipped because another region took the write, or toMessage declined them. */
  skipped: number;
  /** Records skipped because they were published before (redeliveries). */
  republishAvoided: number;
  /** Why the reported record failed (for the caller's log); absent when the batch succeeded. */
  failure?: unknown;
}

interface Candidate<R> {
  record: R;
  message: OriginMessage;
}

export async function publishFromOrigin<R extends DynamoDBRecord>(records: readonly R[], opts: PublishFromOriginOptions<R>): Promise<PublishOutcome> {
  const outcome: PublishOutcome = { batchItemFailures: [], published: 0, skipped: 0, republishAvoided: 0 };
  // The records to publish, up to the first one toMessage cannot read (reported after the ones before it are out).
  const candidates: Candidate<R>[] = [];
  let unreadable: { record: R; error: unknown } | undefined;
  for (const record of records) {
    let message: OriginMessage | undefined;
    try {
      message = isFromRegion(record, opts.region) ? opts.toMessage(record) : undefined;
    } catch (error) {
      unreadable = { record, error };
      break;
    }
    if (message === undefined) outcome.skipped++;
    else candidates.push({ record, message });
  }

  let onStream = new Set<string>();
  try {
    onStream = await settleEarlierAttempts(candidates, opts);
  } catch (error) {
    return failAt(outcome, candidates[0]!.record, error);
  }
  const confirmed: string[] = [];
  const pending = candidates.filter((c) => c.message.id === undefined || !onStream.has(c.message.id));
  outcome.republishAvoided += candidates.length - pending.length;
  let firstFailure: { index: number; error: unknown } | undefined;
  for (const wave of waves(pending)) {
    let results: (unknown | undefined)[];
    try {
      results = await opts.publish(wave.map((c) => c.message));
    } catch (error) {
      results = wave.map(() => error);
    }
    for (const [i, c] of wave.entries()) {
      if (results[i] === undefined) {
        if (c.message.id !== undefined) confirmed.push(c.message.id);
        outcome.published++;
        continue;
      }
      const index = candidates.indexOf(c);
      if (!firstFailure || index < firstFailure.index) firstFailure = { index, error: results[i] };
    }
    // After a failure, a later record of the same key must not overtake the failed one: stop here.
    if (firstFailure) break;
  }
  if (firstFailure) {
    await confirmBestEffort(opts.ledger, confirmed);
    return failAt(outcome, candidates[firstFailure.index]!.record, firstFailure.error);
  }
  if (confirmed.length > 0) {
    try {
      await opts.ledger?.confirm(confirmed);
    } catch (error) {
      // Published but not confirmed: redelivered, they are claimed ones the stream scan will find.
      return failAt(outcome, candidates[0]!.record, error);
    }
  }
  return unreadable ? failAt(outcome, unreadable.record, unreadable.error) : outcome;
}

/**
 * With a ledger: claims every candidate not known yet, before anything is published, and answers
 * which candidates are on the stream already (confirmed earlier, or claimed earlier and found there).
 */
async function settleEarlierAttempts<R extends DynamoDBRecord>(candidates: Candidate<R>[], opts: PublishFromOriginOptions<R>): Promise<Set<string>> {
  const { ledger } = opts;
  const ids = candidates.flatMap((c) => (c.message.id === undefined ? [] : [c.message.id]));
  if (!ledger || ids.length === 0) return new Set();
  const known = await ledger.claim(ids);
  const onStream = new Set(ids.filter((id) => known.get(id)?.state === 'published'));
  const claimed = candidates.filter((c) => c.message.id !== undefined && known.get(c.message.id)?.state === 'claimed');
  if (claimed.length > 0 && opts.wasPublished) {
    const since = Math.min(...claimed.map((c) => (known.get(c.message.id!) as { claimedAt: number }).claimedAt));
    const found = await opts.wasPublished(claimed.map((c) => c.message), since);
    for (const id of found) onStream.add(id);
    if (found.size > 0) await ledger.confirm([...found]);
  }
  return onStream;
}

/** At most this many messages per publish call (Kinesis PutRecords takes 500). */
export const MAX_WAVE = 500;

/** Splits messages, in order, into waves with at most one message per partition key. */
function waves<T extends { message: OriginMessage }>(items: T[]): T[][] {
  const out: T[][] = [];
  let wave: T[] = [];
  let keys = new Set<string>();
  for (const item of items) {
    if (keys.has(item.message.partitionKey) || wave.length === MAX_WAVE) {
      out.push(wave);
      wave = [];
      keys = new Set();
    }
    wave.push(item);
    keys.add(item.message.partitionKey);
  }
  if (wave.length > 0) out.push(wave);
  return out;
}

/** Confirms what a failing batch did publish, so its redelivery skips it without a stream scan; a miss only costs that scan. */
async function confirmBestEffort(ledger: PublishedLedger | undefined, ids: string[]): Promise<void> {
  if (ids.length > 0) await ledger?.confirm(ids).catch(() => undefined);
}

/** Reports `record` as the first failure: Lambda redelivers from it on. */
function failAt<R extends DynamoDBRecord>(outcome: PublishOutcome, record: R, error: unknown): PublishOutcome {
  const itemIdentifier = record.dynamodb?.SequenceNumber;
  // Without a sequence number Lambda cannot resume mid-batch: fail the whole batch instead.
  if (!itemIdentifier) throw error;
  return { ...outcome, batchItemFailures: [{ itemIdentifier }], failure: error };
}
