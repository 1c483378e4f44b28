/**
 * S3's versioning semantics for writes and deletes. Unversioned and suspended buckets keep one
 * 'null' version per key that each write replaces; enabled buckets add a version per write and a
 * delete marker per plain delete. Call these inside a store transaction.
 */
import { positionalId } from './positionalIds.js';
import type { Bucket, MetadataStore, NewVersion, ObjectVersion } from './store.js';

export interface PutOutcome {
  version: ObjectVersion;
  /** Versions this write replaced for good: their blobs can go once the transaction commits. */
  removed: ObjectVersion[];
}

export function putVersion(store: MetadataStore, bucket: Bucket, draft: Omit<NewVersion, 'versionId' | 'seq'>): PutOutcome {
  const removed = bucket.versioning === 'Enabled' ? [] : removeNullVersion(store, bucket.name, draft.key);
  const seq = store.nextVersionSeq();
  const versionId = bucket.versioning === 'Enabled' ? positionalId(seq) : 'null';
  return { version: store.insertVersion({ ...draft, seq, versionId }), removed };
}

export type DeleteOutcome =
  /** Nothing matched: S3 still answers 204. */
  | { kind: 'none' }
  /** A version (or the only, unversioned copy) is gone for good. */
  | { kind: 'removed'; version: ObjectVersion }
  /** A delete marker now hides the key. */
  | { kind: 'marker'; marker: ObjectVersion; removed: ObjectVersion[] };

export function deleteObject(store: MetadataStore, bucket: Bucket, key: string, versionId: string | undefined, now: string): DeleteOutcome {
  if (versionId !== undefined) {
    const version = store.version(bucket.name, key, versionId);
    if (!version) return { kind: 'none' };
    store.deleteVersion(version);
    return { kind: 'removed', version };
  }
  if (bucket.versioning === undefined) {
    const version = store.version(bucket.name, key, 'null');
    if (!version) return { kind: 'none' };
    store.deleteVersion(version);
    return { kind: 'removed', version };
  }
  const removed = bucket.versioning === 'Suspended' ? removeNullVersion(store, bucket.name, key) : [];
  const seq = store.nextVersionSeq();
  const marker = store.insertVersion({
    seq,
    bucket: bucket.name,
    key,
    versionId: bucket.versioning === 'Enabled' ? positionalId(seq) : 'null',
    deleteMarker: true,
    blob: undefined,
    size: 0,
    etag: '',
    lastModified: now,
    headers: {},
    metadata: {},
    crc32: undefined,
    tags: [],
  });
  return { kind: 'marker', marker, removed };
}

function removeNullVersion(store: MetadataStore, bucket: string, key: string): ObjectVersion[] {
  const existing = store.version(bucket, key, 'null');
  if (!existing) return [];
  store.deleteVersion(existing);
  return [existing];
}
