import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  deleteMarkerTime,
  headObject,
  readObject,
  sameState,
  type ObjectState,
  type PresentObject,
  type StoredObject,
} from './objectState.js';

/**
 * Round-robin replication (seed notes §8): every region's bucket notifies a replicator, which copies
 * the object (or its deletion) to the next region's bucket of the ring; the copy notifies that
 * region's replicator, and so on round the ring. A copy carries `origin` user metadata naming the
 * bucket where the write started, and the chain stops before the next hop would be that origin, so
 * each write reaches every region once, for a ring of any length.
 *
 * Deletes carry no metadata (a delete marker has none), so a deletion is passed on only while the
 * next bucket still holds the key: it stops where the key is already gone, at the latest at the
 * bucket where the deletion started.
 *
 * Handlers act on the source's current state, never on the notification's version, so late or
 * repeated notifications converge on what the bucket holds. Three guards keep regions converged:
 * - last writer wins: `written-at` (ISO time of the write at its origin; the writer may set it, else
 *   the origin object's Last-Modified) orders writes of one key made in different regions, ties going
 *   to the origin bucket whose name sorts first, and a delete marker outranks writes made before it;
 * - the put into the next bucket is conditional on what was read there (If-Match / If-None-Match),
 *   so a write landing in between is never overwritten blindly;
 * - after writing, the source is read again: if it changed meanwhile (two deliveries for one key
 *   racing), the replicator throws, and the redelivery copies the newer state.
 */
export const ORIGIN_METADATA = 'origin';
export const WRITTEN_AT_METADATA = 'written-at';

/** One hop of the ring, seen from the region whose bucket notified. */
export interface RingHop {
  /** This region's S3 (the bucket named in the notification lives here). */
  source: S3Client;
  /** The next region's S3. */
  next: S3Client;
  /** The next region's bucket for the same data. */
  nextBucket: string;
  /** The account that must own it (ExpectedBucketOwner): a write never lands in a bucket someone else took the name of. */
  nextBucketOwner?: string;
}

export type Outcome =
  | 'copied'
  | 'deleted'
  /** The object started in the next bucket: the ring is complete. */
  | 'next-is-origin'
  /** The next bucket already holds this write (a repeated notification). */
  | 'already-there'
  /** The next bucket holds a later write (or, for a delete, one made after the deletion). */
  | 'newer-there'
  /** The next bucket deleted the key after this write was made. */
  | 'deleted-there-later'
  /** The deletion has already reached the next bucket. */
  | 'already-absent';

/** Thrown when the source changed while it was copied: the redelivered notification copies the new state. */
export class SourceChangedError extends Error {
  override name = 'SourceChangedError';
  constructor(bucket: string, key: string) {
    super(`s3://${bucket}/${key} changed while it was replicated; retry the notification to replicate its current state`);
  }
}

/** A conditional put lost to a concurrent write in the next bucket; the decision is taken again. */
const MAX_DECISIONS = 5;
/** Delete markers and Last-Modified keep whole seconds: a write within the same second counts as before. */
const SECOND_MS = 1000;

export async function replicateObject(hop: RingHop, ref: { bucket: string; key: string }): Promise<Outcome> {
  const source = await readObject(hop.source, ref.bucket, ref.key);
  let outcome: Outcome | undefined;
  for (let attempt = 1; outcome === undefined; attempt++) {
    try {
      outcome = source.kind === 'present' ? await copyToNext(hop, ref, source) : await deleteInNext(hop, ref);
    } catch (err) {
      if (!isConditionalConflict(err) || attempt >= MAX_DECISIONS) throw err;
    }
  }
  if (outcome === 'copied' || outcome === 'deleted') {
    const now: ObjectState = await headObject(hop.source, ref.bucket, ref.key);
    if (!sameState(source, now)) throw new SourceChangedError(ref.bucket, ref.key);
  }
  return outcome;
}

async function copyToNext(hop: RingHop, ref: { bucket: string; key: string }, source: StoredObject): Promise<Outcome> {
  const origin = source.metadata[ORIGIN_METADATA] ?? ref.bucket;
  if (origin === hop.nextBucket) return 'next-is-origin';
  const writtenAt = writtenAtOf(source);
  const there = await headObject(hop.next, hop.nextBucket, ref.key);
  if (there.kind === 'present') {
    if (there.etag === source.etag && originOf(there, hop.nextBucket) === origin && writtenAtOf(there) === writtenAt) return 'already-there';
    if (isLater(there, hop.nextBucket, writtenAt, origin)) return 'newer-there';
  } else if (there.deleteMarker) {
    const deletedAt = await deleteMarkerTime(hop.next, hop.nextBucket, ref.key);
    if (deletedAt && Date.parse(writtenAt) < deletedAt.getTime() + SECOND_MS) return 'deleted-there-later';
  }
  await hop.next.send(
    new PutObjectCommand({
      Bucket: hop.nextBucket,
      Key: ref.key,
      Body: source.body,
      ...source.headers,
      Metadata: { ...source.metadata, [ORIGIN_METADATA]: origin, [WRITTEN_AT_METADATA]: writtenAt },
      ...(there.kind === 'present' ? { IfMatch: there.etag } : { IfNoneMatch: '*' }),
      ...expectedOwner(hop),
    }),
  );
  return 'copied';
}

async function deleteInNext(hop: RingHop, ref: { bucket: string; key: string }): Promise<Outcome> {
  const there = await headObject(hop.next, hop.nextBucket, ref.key);
  if (there.kind === 'absent') return 'already-absent';
  const deletedAt = await deleteMarkerTime(hop.source, ref.bucket, ref.key);
  if (deletedAt && Date.parse(writtenAtOf(there)) >= deletedAt.getTime() + SECOND_MS) return 'newer-there';
  await hop.next.send(new DeleteObjectCommand({ Bucket: hop.nextBucket, Key: ref.key, ...expectedOwner(hop) }));
  return 'deleted';
}

function expectedOwner(hop: RingHop): { ExpectedBucketOwner?: string } {
  return hop.nextBucketOwner === undefined ? {} : { ExpectedBucketOwner: hop.nextBucketOwner };
}

/** The write's time at its origin: the writer's `written-at` when it is a valid time, else Last-Modified. */
export function writtenAtOf(object: PresentObject): string {
  const stated = object.metadata[WRITTEN_AT_METADATA];
  if (stated !== undefined) {
    const ms = Date.parse(stated);
    if (Number.isFinite(ms)) return new Date(ms).toISOString();
  }
  return object.lastModified.toISOString();
}

function originOf(object: PresentObject, bucket: string): string {
  return object.metadata[ORIGIN_METADATA] ?? bucket;
}

/**
 * Last writer wins. Equal times (two regions writing the same version, as when both build one
 * destination's view) go to the origin bucket whose name sorts first, so every region keeps the same write.
 */
function isLater(there: PresentObject, thereBucket: string, writtenAt: string, origin: string): boolean {
  const a = Date.parse(writtenAtOf(there));
  const b = Date.parse(writtenAt);
  if (a !== b) return a > b;
  return originOf(there, thereBucket) < origin;
}

/** 412 from If-Match/If-None-Match, or S3's 409 for conditional writes racing on one key. */
function isConditionalConflict(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'PreconditionFailed' || e?.name === 'ConditionalRequestConflict' || e?.$metadata?.httpStatusCode === 412;
}
