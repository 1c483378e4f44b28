import type { DestinationEvent } from '../domain/events.js';
import type { DestinationView } from '../domain/readModel.js';

/** What the command and consumer logic needs from storage and the clock; adapters/ implements it. */

/** Where a destination stands, from its events in this region's event store. */
export type Lifecycle = 'unknown' | 'active' | 'removed';

export interface EventStore {
  /**
   * Appends an event under a new key. 'duplicate' when an event with that id is already stored:
   * the store is append-only, so nothing is overwritten and the trigger publishes nothing again.
   */
  append(event: DestinationEvent): Promise<'appended' | 'duplicate'>;
  /** Every event of a destination this region holds (its own and those replicated from other regions). */
  history(destinationId: string): Promise<DestinationEvent[]>;
  lifecycle(destinationId: string): Promise<Lifecycle>;
}

export interface ReadModelStore {
  get(destinationId: string): Promise<DestinationView | undefined>;
  /** Writes the view unless the stored one is as new or newer (the inverse optimistic lock). */
  save(view: DestinationView): Promise<'written' | 'stale'>;
}

export interface Clock {
  now(): number;
}

/** The first answer to a keyed command, kept 24 h (domain/idempotencyKey.ts, app/idempotency.ts). */
export interface IdempotencyRecord {
  /** keyScope(caller, key): a hash, never the key itself. */
  scope: string;
  /** requestFingerprint of the command that got this answer. */
  fingerprint: string;
  statusCode: number;
  body: string;
  /** Epoch seconds after which the record is void (and DynamoDB's TTL deletes it). */
  expiresAt: number;
}

export interface IdempotencyStore {
  /** The live record for a scope (consistent read in this region), if any. */
  get(scope: string, nowSeconds: number): Promise<IdempotencyRecord | undefined>;
  /** Keeps the record unless a live one is already there: then that one is answered instead. */
  keep(record: IdempotencyRecord, nowSeconds: number): Promise<{ kept: true } | { kept: false; existing: IdempotencyRecord | undefined }>;
}
