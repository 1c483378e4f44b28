/** Bucket and object-version metadata in SQLite (WAL): the durable index over the blob files. */
import type { Sqlite } from '../storage/sqlite.js';
import { openSqlite } from '../storage/sqlite.js';
import { StatementCache } from '../storage/statementCache.js';
import { UploadStore } from './uploadStore.js';

export type VersioningState = 'Enabled' | 'Suspended';

export interface Bucket {
  name: string;
  createdAt: string;
  /** Undefined until versioning was first configured (S3 then reports no Status at all). */
  versioning: VersioningState | undefined;
  /** The notification configuration as JSON (see notifications.ts), or undefined. */
  notification: string | undefined;
}

/** System headers S3 stores with an object and returns on GET/HEAD. */
export interface StoredHeaders {
  contentType?: string | undefined;
  cacheControl?: string | undefined;
  contentEncoding?: string | undefined;
  contentDisposition?: string | undefined;
  contentLanguage?: string | undefined;
  expires?: string | undefined;
}

export interface ObjectVersion {
  /** Store-wide insertion order; the highest seq of a key is its latest version. */
  seq: number;
  bucket: string;
  key: string;
  /** 'null' for versions written while versioning was off or suspended, as S3 names them. */
  versionId: string;
  deleteMarker: boolean;
  blob: string | undefined;
  size: number;
  etag: string;
  lastModified: string;
  headers: StoredHeaders;
  metadata: Record<string, string>;
  crc32: string | undefined;
  /** Object tags, in the order they were given. */
  tags: Tag[];
}

export interface Tag {
  Key: string;
  Value: string;
}

/** A version to insert: its seq comes from nextVersionSeq() in the same transaction (its id encodes it). */
export type NewVersion = ObjectVersion;

interface VersionRow {
  seq: number;
  bucket: string;
  key: string;
  version_id: string;
  delete_marker: number;
  blob: string | null;
  size: number;
  etag: string;
  last_modified: string;
  headers: string;
  metadata: string;
  crc32: string | null;
  tags: string;
  latest_seq?: number;
}

interface BucketRow {
  name: string;
  created_at: string;
  versioning: string | null;
  notification: string | null;
}

export interface OutboxEntry {
  id: number;
  topicArn: string;
  bucket: string;
  message: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS buckets (
  name TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  versioning TEXT,
  notification TEXT
);
CREATE TABLE IF NOT EXISTS versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  version_id TEXT NOT NULL,
  delete_marker INTEGER NOT NULL,
  blob TEXT,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  headers TEXT NOT NULL,
  metadata TEXT NOT NULL,
  crc32 TEXT,
  tags TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS versions_by_key ON versions (bucket, key, seq);
CREATE UNIQUE INDEX IF NOT EXISTS versions_by_id ON versions (bucket, key, version_id);
CREATE INDEX IF NOT EXISTS versions_by_blob ON versions (blob);
-- Where a deleted 'null' version sat, so a listing marker naming it can resume after it.
CREATE TABLE IF NOT EXISTS deleted_null_versions (
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (bucket, key)
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  topic_arn TEXT NOT NULL,
  bucket TEXT NOT NULL,
  message TEXT NOT NULL
);
`;

export class MetadataStore {
  private readonly db: Sqlite;
  /** Each statement prepared once: preparing costs more than running most of them. */
  private readonly sql: StatementCache;
  /** Multipart uploads in progress and their parts, in the same database (one transaction spans both). */
  readonly uploads: UploadStore;

  constructor(path: string) {
    this.db = openSqlite(path);
    this.sql = new StatementCache(this.db);
    this.db.exec(SCHEMA);
    addColumnIfMissing(this.db, 'versions', 'tags', "TEXT NOT NULL DEFAULT '[]'");
    this.uploads = new UploadStore(this.db, this.sql);
  }

  close(): void {
    this.db.close();
  }

  /** Runs fn in an IMMEDIATE transaction: read-modify-write without lost updates. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  getBucket(name: string): Bucket | undefined {
    const row = this.sql.get('SELECT * FROM buckets WHERE name = ?').get(name) as BucketRow | undefined;
    return row && toBucket(row);
  }

  listBuckets(): Bucket[] {
    return (this.sql.get('SELECT * FROM buckets ORDER BY name').all() as BucketRow[]).map(toBucket);
  }

  /** False when the bucket already exists. */
  createBucket(name: string, createdAt: string): boolean {
    return this.sql.get('INSERT OR IGNORE INTO buckets (name, created_at) VALUES (?, ?)').run(name, createdAt).changes === 1;
  }

  deleteBucket(name: string): void {
    this.sql.get('DELETE FROM buckets WHERE name = ?').run(name);
    this.sql.get('DELETE FROM deleted_null_versions WHERE bucket = ?').run(name);
  }

  bucketHasVersions(name: string): boolean {
    return this.sql.get('SELECT 1 FROM versions WHERE bucket = ? LIMIT 1').get(name) !== undefined;
  }

  setVersioning(name: string, state: VersioningState): void {
    this.sql.get('UPDATE buckets SET versioning = ? WHERE name = ?').run(state, name);
  }

  setNotification(name: string, json: string | undefined): void {
    this.sql.get('UPDATE buckets SET notification = ? WHERE name = ?').run(json ?? null, name);
  }

  latest(bucket: string, key: string): ObjectVersion | undefined {
    const row = this.sql.get('SELECT * FROM versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1').get(bucket, key) as
      | VersionRow
      | undefined;
    return row && toVersion(row);
  }

  version(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    const row = this.sql.get('SELECT * FROM versions WHERE bucket = ? AND key = ? AND version_id = ?').get(bucket, key, versionId) as
      | VersionRow
      | undefined;
    return row && toVersion(row);
  }

  /** The seq the next inserted version gets (call inside the inserting transaction). */
  nextVersionSeq(): number {
    const row = this.sql.get("SELECT seq FROM sqlite_sequence WHERE name = 'versions'").get() as { seq: number } | undefined;
    return (row?.seq ?? 0) + 1;
  }

  insertVersion(v: NewVersion): ObjectVersion {
    this.sql
      .get(
        `INSERT INTO versions (seq, bucket, key, version_id, delete_marker, blob, size, etag, last_modified, headers, metadata, crc32, tags)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        v.seq,
        v.bucket,
        v.key,
        v.versionId,
        v.deleteMarker ? 1 : 0,
        v.blob ?? null,
        v.size,
        v.etag,
        v.lastModified,
        JSON.stringify(v.headers),
        JSON.stringify(v.metadata),
        v.crc32 ?? null,
        JSON.stringify(v.tags),
      );
    return v;
  }

  setTags(seq: number, tags: Tag[]): void {
    this.sql.get('UPDATE versions SET tags = ? WHERE seq = ?').run(JSON.stringify(tags), seq);
  }

  deleteVersion(v: ObjectVersion): void {
    this.sql.get('DELETE FROM versions WHERE seq = ?').run(v.seq);
    if (v.versionId === 'null') {
      this.sql
        .get('INSERT INTO deleted_null_versions (bucket, key, seq) VALUES (?, ?, ?) ON CONFLICT (bucket, key) DO UPDATE SET seq = excluded.seq')
        .run(v.bucket, v.key, v.seq);
    }
  }

  /** Where the key's 'null' version sat before it was deleted, if it was. */
  deletedNullVersionSeq(bucket: string, key: string): number | undefined {
    const row = this.sql.get('SELECT seq FROM deleted_null_versions WHERE bucket = ? AND key = ?').get(bucket, key) as { seq: number } | undefined;
    return row?.seq;
  }

  isBlobReferenced(blob: string): boolean {
    return this.sql.get('SELECT 1 FROM versions WHERE blob = ? LIMIT 1').get(blob) !== undefined || this.uploads.isBlobReferenced(blob);
  }

  /** Latest version of each key after `after` (or from it, when inclusive), in S3's UTF-8 byte order. */
  latestAfter(bucket: string, after: string, inclusive: boolean, limit: number): ObjectVersion[] {
    const rows = this.sql
      .get(
        `SELECT * FROM versions o
         WHERE o.bucket = ? AND o.key ${inclusive ? '>=' : '>'} ?
           AND o.seq = (SELECT MAX(i.seq) FROM versions i WHERE i.bucket = o.bucket AND i.key = o.key)
         ORDER BY o.key LIMIT ?`,
      )
      .all(bucket, after, limit) as VersionRow[];
    return rows.map(toVersion);
  }

  /** Versions after the position (key, seq), ordered by key then newest first; isLatest included. */
  versionsAfter(bucket: string, afterKey: string, afterSeq: number, inclusiveKey: boolean, limit: number): Array<ObjectVersion & { isLatest: boolean }> {
    const rows = this.sql
      .get(
        `SELECT o.*, (SELECT MAX(i.seq) FROM versions i WHERE i.bucket = o.bucket AND i.key = o.key) AS latest_seq
         FROM versions o
         WHERE o.bucket = ? AND (o.key > ? OR (o.key = ? AND (? OR o.seq < ?)))
         ORDER BY o.key, o.seq DESC LIMIT ?`,
      )
      .all(bucket, afterKey, afterKey, inclusiveKey ? 1 : 0, afterSeq, limit) as VersionRow[];
    return rows.map((r) => ({ ...toVersion(r), isLatest: r.seq === r.latest_seq }));
  }

  /** A store-wide increasing number (event sequencers). */
  nextCounter(name: string): number {
    const row = this.sql
      .get('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value')
      .get(name) as { value: number };
    return row.value;
  }

  enqueue(topicArn: string, bucket: string, message: string): void {
    this.sql.get('INSERT INTO outbox (topic_arn, bucket, message) VALUES (?, ?, ?)').run(topicArn, bucket, message);
  }

  pendingOutbox(limit: number): OutboxEntry[] {
    const rows = this.sql.get('SELECT * FROM outbox ORDER BY id LIMIT ?').all(limit) as Array<{
      id: number;
      topic_arn: string;
      bucket: string;
      message: string;
    }>;
    return rows.map((r) => ({ id: r.id, topicArn: r.topic_arn, bucket: r.bucket, message: r.message }));
  }

  removeOutbox(id: number): void {
    this.sql.get('DELETE FROM outbox WHERE id = ?').run(id);
  }
}

/** Data directories from before a column existed get it on open. */
function addColumnIfMissing(db: Sqlite, table: string, column: string, definition: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
  if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

function toBucket(row: BucketRow): Bucket {
  return {
    name: row.name,
    createdAt: row.created_at,
    versioning: row.versioning === 'Enabled' || row.versioning === 'Suspended' ? row.versioning : undefined,
    notification: row.notification ?? undefined,
  };
}

function toVersion(row: VersionRow): ObjectVersion {
  return {
    seq: row.seq,
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    deleteMarker: row.delete_marker === 1,
    blob: row.blob ?? undefined,
    size: row.size,
    etag: row.etag,
    lastModified: row.last_modified,
    headers: JSON.parse(row.headers) as StoredHeaders,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    crc32: row.crc32 ?? undefined,
    tags: JSON.parse(row.tags) as Tag[],
  };
}
