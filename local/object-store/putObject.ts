/** PutObject: bytes to an fsynced blob first, then one transaction for the version row and its notifications. */
import { crc32Base64 } from './checksums.js';
import type { RequestContext } from './context.js';
import { header, nowToTheSecond, quoted, requireBucket, requireKey, sendEmpty } from './context.js';
import { enqueueObjectEvent } from './objectEvents.js';
import { storedHeadersFrom, userMetadataFrom } from './objectHeaders.js';
import { readUpload } from './requestBody.js';
import { checkWritePreconditions } from './preconditions.js';
import { putVersion } from './versioning.js';

export async function putObject(ctx: RequestContext): Promise<void> {
  const key = requireKey(ctx);
  requireBucket(ctx);
  const { store, blobs, maxObjectSize } = ctx.services;
  const { data, md5 } = await readUpload(ctx, maxObjectSize);
  const crc32 = crc32Base64(data);
  const blob = await blobs.write(data);
  let outcome;
  try {
    outcome = store.transaction(() => {
      const bucket = requireBucket(ctx); // it may have gone while the body streamed in
      checkWritePreconditions(ctx, store.latest(bucket.name, key));
      const result = putVersion(store, bucket, {
        bucket: bucket.name,
        key,
        deleteMarker: false,
        blob,
        size: data.length,
        etag: md5,
        lastModified: nowToTheSecond(),
        headers: storedHeadersFrom(ctx.req.headers),
        metadata: userMetadataFrom(ctx.req.headers),
        crc32,
      });
      enqueueObjectEvent(ctx, bucket, {
        eventName: 'ObjectCreated:Put',
        key,
        size: data.length,
        etag: md5,
        ...(bucket.versioning && { versionId: result.version.versionId }),
      });
      return { ...result, versioned: bucket.versioning !== undefined };
    });
  } catch (e) {
    blobs.remove(blob);
    throw e;
  }
  for (const old of outcome.removed) if (old.blob) blobs.remove(old.blob);
  ctx.services.outbox?.kick();
  const headers: Record<string, string> = { etag: quoted(md5) };
  if (outcome.versioned) headers['x-amz-version-id'] = outcome.version.versionId;
  if (header(ctx, 'x-amz-checksum-crc32') !== undefined || header(ctx, 'x-amz-trailer') === 'x-amz-checksum-crc32') {
    headers['x-amz-checksum-crc32'] = crc32;
  }
  sendEmpty(ctx, 200, headers);
}
