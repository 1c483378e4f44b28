import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { WRITTEN_AT_METADATA } from '../../../../replication/round-robin/roundRobinReplicator.js';
import { CACHE_CONTROL } from '../../../toolkit/http/responses.js';
import type { DestinationView } from '../domain/destinationView.js';
import { viewKey } from '../domain/viewKeys.js';

/** Stored with each view, for whatever serves the bucket directly: the read rule every API answers with. */
export const VIEW_CACHE_CONTROL = CACHE_CONTROL.read;
export const VIEW_CONTENT_TYPE = 'application/json; charset=utf-8';

/** This region's search bucket of destination views. */
export interface ViewBucket {
  put(view: DestinationView): Promise<void>;
  delete(id: string): Promise<void>;
  /** The stored view as served (bytes and headers), or undefined when there is none. */
  get(id: string, ifNoneMatch?: string): Promise<StoredView | undefined>;
}

export interface StoredView {
  body: string;
  etag: string;
  contentType: string;
  /** The caller's If-None-Match matched: the body is empty. */
  notModified: boolean;
}

export function viewBucket(s3: S3Client, bucket: string): ViewBucket {
  return {
    async put(view) {
      await s3.send(new PutObjectCommand({
        Bucket: bucket,
        Key: viewKey(view.id),
        Body: JSON.stringify(view),
        ContentType: VIEW_CONTENT_TYPE,
        CacheControl: VIEW_CACHE_CONTROL,
        // Orders this write against the same destination's writes in other regions (round-robin replication).
        ...(Number.isFinite(Date.parse(view.updatedAt)) ? { Metadata: { [WRITTEN_AT_METADATA]: new Date(view.updatedAt).toISOString() } } : {}),
      }));
    },
    async delete(id) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: viewKey(id) }));
    },
    async get(id, ifNoneMatch) {
      try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: viewKey(id), ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}) }));
        return {
          body: r.Body ? await r.Body.transformToString('utf8') : '',
          etag: r.ETag ?? '',
          contentType: r.ContentType ?? VIEW_CONTENT_TYPE,
          notModified: false,
        };
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'NoSuchKey') return undefined;
        if (e.$metadata?.httpStatusCode === 304) {
          return { body: '', etag: ifNoneMatch ?? '', contentType: VIEW_CONTENT_TYPE, notModified: true };
        }
        throw err;
      }
    },
  };
}
