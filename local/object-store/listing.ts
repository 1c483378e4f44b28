/**
 * Paging over keys in S3's order (UTF-8 bytes, which is SQLite's BINARY order) with prefix, delimiter
 * and max-keys. A common prefix counts as one entry and is skipped past in one step.
 */
import type { MetadataStore, ObjectVersion } from './store.js';

/** Sorts after every key that starts with a given string (U+10FFFF is the largest code point). */
export const PAST_PREFIX = '\u{10FFFF}';

const BATCH = 1000;

export interface ListRequest {
  prefix: string;
  delimiter: string;
  maxKeys: number;
}

export type Entry<T> = { kind: 'item'; item: T } | { kind: 'prefix'; prefix: string };

export interface ListPage<T> {
  entries: Entry<T>[];
  truncated: boolean;
}

export function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The common prefix a key rolls up into, if any. */
function commonPrefix(key: string, req: ListRequest): string | undefined {
  if (!req.delimiter) return undefined;
  const at = key.indexOf(req.delimiter, req.prefix.length);
  return at === -1 ? undefined : key.slice(0, at + req.delimiter.length);
}

/** Where a marker (a key or a common prefix returned last time) leaves the next page. */
export function resumeAfter(marker: string, req: ListRequest): string {
  return req.delimiter && marker.startsWith(req.prefix) && marker.endsWith(req.delimiter) && marker.length > req.prefix.length
    ? marker + PAST_PREFIX
    : marker;
}

/** Latest, non-deleted version of each key after `after`. */
export function listLatest(store: MetadataStore, bucket: string, req: ListRequest, after: string): ListPage<ObjectVersion> {
  const entries: Entry<ObjectVersion>[] = [];
  // S3 answers a request for an empty page (max-keys=0) with an empty, complete page.
  if (req.maxKeys === 0) return { entries, truncated: false };
  let cursor = after;
  let inclusive = false;
  if (byteCompare(req.prefix, cursor) > 0) {
    cursor = req.prefix;
    inclusive = true;
  }
  let lastPrefix: string | undefined;
  for (;;) {
    const batch = store.latestAfter(bucket, cursor, inclusive, BATCH);
    inclusive = false;
    if (batch.length === 0) return { entries, truncated: false };
    let jumped = false;
    for (const v of batch) {
      cursor = v.key;
      if (!v.key.startsWith(req.prefix)) return { entries, truncated: false };
      if (v.deleteMarker) continue;
      const cp = commonPrefix(v.key, req);
      if (cp !== undefined && cp === lastPrefix) continue;
      if (entries.length >= req.maxKeys) return { entries, truncated: true };
      if (cp !== undefined) {
        entries.push({ kind: 'prefix', prefix: cp });
        lastPrefix = cp;
        cursor = cp + PAST_PREFIX;
        jumped = true;
        break;
      }
      entries.push({ kind: 'item', item: v });
    }
    if (!jumped && batch.length < BATCH) return { entries, truncated: false };
  }
}

export type ListedVersion = ObjectVersion & { isLatest: boolean };

/** Every version and delete marker after (key, seq), by key then newest first. */
export function listVersions(
  store: MetadataStore,
  bucket: string,
  req: ListRequest,
  after: { key: string; seq: number },
): ListPage<ListedVersion> {
  const entries: Entry<ListedVersion>[] = [];
  if (req.maxKeys === 0) return { entries, truncated: false };
  let cursor = after;
  let inclusive = false;
  if (byteCompare(req.prefix, cursor.key) > 0) {
    cursor = { key: req.prefix, seq: 0 };
    inclusive = true;
  }
  let lastPrefix: string | undefined;
  for (;;) {
    const batch = store.versionsAfter(bucket, cursor.key, cursor.seq, inclusive, BATCH);
    inclusive = false;
    if (batch.length === 0) return { entries, truncated: false };
    let jumped = false;
    for (const v of batch) {
      cursor = { key: v.key, seq: v.seq };
      if (!v.key.startsWith(req.prefix)) return { entries, truncated: false };
      const cp = commonPrefix(v.key, req);
      if (cp !== undefined && cp === lastPrefix) continue;
      if (entries.length >= req.maxKeys) return { entries, truncated: true };
      if (cp !== undefined) {
        entries.push({ kind: 'prefix', prefix: cp });
        lastPrefix = cp;
        cursor = { key: cp + PAST_PREFIX, seq: 0 };
        jumped = true;
        break;
      }
      entries.push({ kind: 'item', item: v });
    }
    if (!jumped && batch.length < BATCH) return { entries, truncated: false };
  }
}
