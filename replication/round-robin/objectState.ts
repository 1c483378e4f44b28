import { GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * The current state of one key in one bucket, as a replicator or indexer must see it: handlers act on
 * what the bucket holds now, never on what a (possibly late, possibly repeated) notification said.
 */
export interface PresentObject {
  kind: 'present';
  etag: string;
  /** Undefined in a bucket that never had versioning. */
  versionId?: string;
  lastModified: Date;
  /** User metadata, keys lower case as S3 returns them. */
  metadata: Record<string, string>;
}

export interface StoredObject extends PresentObject {
  body: Uint8Array;
  headers: ContentHeaders;
}

/** The headers a copy must carry over so the copy serves like the original. */
export interface ContentHeaders {
  ContentType?: string;
  CacheControl?: string;
  ContentEncoding?: string;
  ContentDisposition?: string;
  ContentLanguage?: string;
}

export interface AbsentObject {
  kind: 'absent';
  /** The key's latest version is a delete marker (S3 says so on the 404); false when unknown. */
  deleteMarker?: boolean;
}

export type ObjectState = PresentObject | AbsentObject;

const ABSENT: AbsentObject = { kind: 'absent' };

/** GET of the latest version; a missing key or a delete marker is `absent`. */
export async function readObject(s3: S3Client, bucket: string, key: string): Promise<StoredObject | AbsentObject> {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = r.Body ? await r.Body.transformToByteArray() : new Uint8Array();
    const headers: ContentHeaders = {};
    if (r.ContentType) headers.ContentType = r.ContentType;
    if (r.CacheControl) headers.CacheControl = r.CacheControl;
    if (r.ContentEncoding) headers.ContentEncoding = r.ContentEncoding;
    if (r.ContentDisposition) headers.ContentDisposition = r.ContentDisposition;
    if (r.ContentLanguage) headers.ContentLanguage = r.ContentLanguage;
    return { ...present(r), body, headers };
  } catch (err) {
    if (isNotFound(err)) return ABSENT;
    throw err;
  }
}

/** HEAD of the latest version; a missing key or a delete marker is `absent`. */
export async function headObject(s3: S3Client, bucket: string, key: string): Promise<ObjectState> {
  try {
    return present(await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const headers = (err as { $response?: { headers?: Record<string, string> } }).$response?.headers ?? {};
    return { kind: 'absent', deleteMarker: headers['x-amz-delete-marker'] === 'true' };
  }
}

/**
 * When the key's latest version is a delete marker, the time it was made (whole seconds, as S3 keeps
 * it); undefined when the key never existed or the bucket is not versioned.
 */
export async function deleteMarkerTime(s3: S3Client, bucket: string, key: string): Promise<Date | undefined> {
  // Versions of `key` come first among keys starting with it, newest first.
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
  const marker = r.DeleteMarkers?.find((m) => m.Key === key && m.IsLatest);
  return marker?.LastModified;
}

/** Same version of the same content: what a handler read is still what the bucket holds. */
export function sameState(a: ObjectState, b: ObjectState): boolean {
  if (a.kind === 'absent' || b.kind === 'absent') return a.kind === b.kind;
  return a.etag === b.etag && a.versionId === b.versionId;
}

function present(r: { ETag?: string; VersionId?: string; LastModified?: Date; Metadata?: Record<string, string> }): PresentObject {
  return {
    kind: 'present',
    etag: r.ETag ?? '',
    ...(r.VersionId && r.VersionId !== 'null' ? { versionId: r.VersionId } : {}),
    lastModified: r.LastModified ?? new Date(0),
    metadata: r.Metadata ?? {},
  };
}

/**
 * The key is not there: NoSuchKey from GET, a bodiless 404 (NotFound) from HEAD; a delete marker answers
 * the same way. NoSuchBucket is not "absent": a missing bucket is a misconfiguration and must throw.
 */
export function isNotFound(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}
