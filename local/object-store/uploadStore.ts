/** Multipart uploads in progress and their parts: rows beside the versions, in the same SQLite file. */
import type { Sqlite } from '../storage/sqlite.js';
import type { StatementCache } from '../storage/statementCache.js';
import type { ChecksumAlgorithm } from './checksums.js';
import { checksumAlgorithmNamed } from './checksums.js';
import type { StoredHeaders, Tag } from './store.js';

export interface Upload {
  /** Initiation order; the upload id encodes it (positionalIds.ts). */
  seq: number;
  uploadId: string;
  bucket: string;
  key: string;
  /** ISO time, whole seconds. */
  initiated: string;
  /** Epoch ms, for the age limit. */
  initiatedMs: number;
  headers: StoredHeaders;
  metadata: Record<string, string>;
  /** x-amz-tagging given at creation: the completed object's tags. */
  tags: Tag[];
  /** x-amz-checksum-algorithm given at creation: every part gets it, and the completed object too. */
  checksumAlgorithm: ChecksumAlgorithm | undefined;
  /** x-amz-checksum-type: the object's checksum over its parts' checksums (S3's default) or over its bytes. */
  checksumType: ChecksumType;
}

export type ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

export interface Part {
  uploadId: string;
  partNumber: number;
  blob: string;
  size: number;
  /** MD5 hex of the part's bytes (its ETag, unquoted). */
  etag: string;
  lastModified: string;
  /** Base64 checksums by algorithm: crc32 always, others when sent or asked for at creation. */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

interface UploadRow {
  seq: number;
  upload_id: string;
  bucket: string;
  key: string;
  initiated: string;
  initiated_ms: number;
  headers: string;
  metadata: string;
  tags: string;
  checksum_algorithm: string | null;
  checksum_type: string;
}

interface PartRow {
  upload_id: string;
  part_number: number;
  blob: string;
  size: number;
  etag: string;
  last_modified: string;
  checksums: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS uploads (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  upload_id TEXT NOT NULL UNIQUE,
  bucket TEXT NOT NULL,
  key TEXT NOT NULL,
  initiated TEXT NOT NULL,
  initiated_ms INTEGER NOT NULL,
  headers TEXT NOT NULL,
  metadata TEXT NOT NULL,
  tags TEXT NOT NULL,
  checksum_algorithm TEXT,
  checksum_type TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_by_key ON uploads (bucket, key, seq);
CREATE INDEX IF NOT EXISTS uploads_by_age ON uploads (initiated_ms);
CREATE TABLE IF NOT EXISTS parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  blob TEXT NOT NULL,
  size INTEGER NOT NULL,
  etag TEXT NOT NULL,
  last_modified TEXT NOT NULL,
  checksums TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
);
CREATE INDEX IF NOT EXISTS parts_by_blob ON parts (blob);
`;

export class UploadStore {
  constructor(
    db: Sqlite,
    private readonly sql: StatementCache,
  ) {
    db.exec(SCHEMA);
  }

  /** The seq the next created upload gets (call inside the creating transaction). */
  nextSeq(): number {
    const row = this.sql.get("SELECT seq FROM sqlite_sequence WHERE name = 'uploads'").get() as { seq: number } | undefined;
    return (row?.seq ?? 0) + 1;
  }

  create(u: Upload): void {
    this.sql
      .get(
        `INSERT INTO uploads (seq, upload_id, bucket, key, initiated, initiated_ms, headers, metadata, tags, checksum_algorithm, checksum_type)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        u.seq,
        u.uploadId,
        u.bucket,
        u.key,
        u.initiated,
        u.initiatedMs,
        JSON.stringify(u.headers),
        JSON.stringify(u.metadata),
        JSON.stringify(u.tags),
        u.checksumAlgorithm ?? null,
        u.checksumType,
      );
  }

  get(uploadId: string): Upload | undefined {
    const row = this.sql.get('SELECT * FROM uploads WHERE upload_id = ?').get(uploadId) as UploadRow | undefined;
    return row && toUpload(row);
  }

  /** Uploads of a bucket whose key starts with prefix, by key then initiation. */
  list(bucket: string, prefix: string): Upload[] {
    const rows = this.sql
      .get("SELECT * FROM uploads WHERE bucket = ? AND substr(key, 1, length(?)) = ? ORDER BY key, seq")
      .all(bucket, prefix, prefix) as UploadRow[];
    return rows.map(toUpload);
  }

  olderThan(epochMs: number): Upload[] {
    return (this.sql.get('SELECT * FROM uploads WHERE initiated_ms < ?').all(epochMs) as UploadRow[]).map(toUpload);
  }

  inBucket(bucket: string): Upload[] {
    return (this.sql.get('SELECT * FROM uploads WHERE bucket = ?').all(bucket) as UploadRow[]).map(toUpload);
  }

  /** Stores a part; returns the part it replaced (same number), whose blob can go after the commit. */
  putPart(p: Part): Part | undefined {
    const previous = this.part(p.uploadId, p.partNumber);
    this.sql
      .get(
        `INSERT INTO parts (upload_id, part_number, blob, size, etag, last_modified, checksums) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET blob = excluded.blob, size = excluded.size, etag = excluded.etag,
           last_modified = excluded.last_modified, checksums = excluded.checksums`,
      )
      .run(p.uploadId, p.partNumber, p.blob, p.size, p.etag, p.lastModified, JSON.stringify(p.checksums));
    return previous;
  }

  part(uploadId: string, partNumber: number): Part | undefined {
    const row = this.sql.get('SELECT * FROM parts WHERE upload_id = ? AND part_number = ?').get(uploadId, partNumber) as PartRow | undefined;
    return row && toPart(row);
  }

  /** Parts numbered above `after`, ascending, at most `limit`. */
  parts(uploadId: string, after: number, limit: number): Part[] {
    const rows = this.sql
      .get('SELECT * FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?')
      .all(uploadId, after, limit) as PartRow[];
    return rows.map(toPart);
  }

  /** Deletes the upload and its parts; returns the parts, whose blobs can go after the commit. */
  remove(uploadId: string): Part[] {
    const parts = this.parts(uploadId, 0, Number.MAX_SAFE_INTEGER);
    this.sql.get('DELETE FROM parts WHERE upload_id = ?').run(uploadId);
    this.sql.get('DELETE FROM uploads WHERE upload_id = ?').run(uploadId);
    return parts;
  }

  isBlobReferenced(blob: string): boolean {
    return this.sql.get('SELECT 1 FROM parts WHERE blob = ? LIMIT 1').get(blob) !== undefined;
  }
}

function toUpload(row: UploadRow): Upload {
  return {
    seq: row.seq,
    uploadId: row.upload_id,
    bucket: row.bucket,
    key: row.key,
    initiated: row.initiated,
    initiatedMs: row.initiated_ms,
    headers: JSON.parse(row.headers) as StoredHeaders,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    tags: JSON.parse(row.tags) as Tag[],
    checksumAlgorithm: checksumAlgorithmNamed(row.checksum_algorithm ?? undefined),
    checksumType: row.checksum_type === 'FULL_OBJECT' ? 'FULL_OBJECT' : 'COMPOSITE',
  };
}

function toPart(row: PartRow): Part {
  return {
    uploadId: row.upload_id,
    partNumber: row.part_number,
    blob: row.blob,
    size: row.size,
    etag: row.etag,
    lastModified: row.last_modified,
    checksums: JSON.parse(row.checksums) as Part['checksums'],
  };
}
