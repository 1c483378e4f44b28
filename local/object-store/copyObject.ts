/** CopyObject: the source's bytes (a hard link, no re-read) under a new key, metadata copied or replaced. */
import type { RequestContext } from './context.js';
import { header, nowToTheSecond, quoted, requireBucket, requireKey, sendXml } from './context.js';
import { resolveVersion } from './getObject.js';
import { enqueueObjectEvent } from './objectEvents.js';
import { storedHeadersFrom, userMetadataFrom } from './objectHeaders.js';
import { tagsFromHeader } from './objectTagging.js';
import { etagListMatches } from './preconditions.js';
import { S3Error } from './s3Errors.js';
import { putVersion } from './versioning.js';
import { document, el } from './xml.js';

interface CopySource {
  bucket: string;
  key: string;
  versionId: string | null;
}

/** `x-amz-copy-source: [/]bucket/url-encoded-key[?versionId=id]` */
export function parseCopySource(value: string): CopySource {
  const q = value.indexOf('?');
  const rawPath = (q === -1 ? value : value.slice(0, q)).replace(/^\//, '');
  const versionId = q === -1 ? null : new URLSearchParams(value.slice(q + 1)).get('versionId');
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', { ArgumentName: 'x-amz-copy-source' });
  }
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source' });
  }
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1), versionId };
}

export async function copyObject(ctx: RequestContext): Promise<void> {
  const key = requireKey(ctx);
  requireBucket(ctx);
  const { store, blobs } = ctx.services;
  const source = parseCopySource(header(ctx, 'x-amz-copy-source') ?? '');
  const sourceBucket = store.getBucket(source.bucket);
  if (!sourceBucket) throw new S3Error('NoSuchBucket', undefined, { BucketName: source.bucket });
  if (source.versionId !== null && store.version(source.bucket, source.key, source.versionId)?.deleteMarker) {
    throw new S3Error('InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.');
  }
  const src = resolveVersion(ctx, sourceBucket, source.key, source.versionId);
  checkCopySourceConditions(ctx, src.etag, src.lastModified);
  const directive = (header(ctx, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive' });
  const taggingDirective = (header(ctx, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown tagging directive.', { ArgumentName: 'x-amz-tagging-directive' });
  const tags = taggingDirective === 'COPY' ? src.tags : tagsFromHeader(ctx);
  if (directive === 'COPY' && source.bucket === ctx.bucket && source.key === key && source.versionId === null) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  const blob = await blobs.duplicate(src.blob ?? '');
  let outcome;
  try {
    outcome = store.transaction(() => {
      const bucket = requireBucket(ctx);
      const result = putVersion(store, bucket, {
        bucket: bucket.name,
        key,
        deleteMarker: false,
        blob,
        size: src.size,
        etag: src.etag,
        lastModified: nowToTheSecond(),
        headers: directive === 'COPY' ? src.headers : storedHeadersFrom(ctx.req.headers),
        metadata: directive === 'COPY' ? src.metadata : userMetadataFrom(ctx.req.headers),
        crc32: src.crc32,
        tags,
      });
      enqueueObjectEvent(ctx, bucket, {
        eventName: 'ObjectCreated:Copy',
        key,
        size: src.size,
        etag: src.etag,
        ...(bucket.versioning && { versionId: result.version.versionId }),
      });
      return { ...result, enabled: bucket.versioning === 'Enabled' };
    });
  } catch (e) {
    blobs.remove(blob);
    throw e;
  }
  for (const old of outcome.removed) if (old.blob) blobs.remove(old.blob);
  ctx.services.outbox?.kick();
  const headers: Record<string, string> = {};
  if (outcome.enabled) headers['x-amz-version-id'] = outcome.version.versionId;
  if (sourceBucket.versioning !== undefined) headers['x-amz-copy-source-version-id'] = src.versionId;
  sendXml(ctx, 200, document('CopyObjectResult', el('LastModified', outcome.version.lastModified), el('ETag', quoted(src.etag))), headers);
}

export function checkCopySourceConditions(ctx: RequestContext, etag: string, lastModified: string): void {
  const modified = new Date(lastModified).getTime();
  const ifMatch = header(ctx, 'x-amz-copy-source-if-match');
  const ifNoneMatch = header(ctx, 'x-amz-copy-source-if-none-match');
  const ifModifiedSince = Date.parse(header(ctx, 'x-amz-copy-source-if-modified-since') ?? '');
  const ifUnmodifiedSince = Date.parse(header(ctx, 'x-amz-copy-source-if-unmodified-since') ?? '');
  const failed =
    (ifMatch !== undefined && !etagListMatches(ifMatch, etag)) ||
    (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, etag)) ||
    (!Number.isNaN(ifModifiedSince) && modified <= ifModifiedSince) ||
    (!Number.isNaN(ifUnmodifiedSince) && modified > ifUnmodifiedSince);
  if (failed) throw new S3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-*' });
}
