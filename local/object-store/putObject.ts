/** PutObject: bytes streamed to an fsynced blob first, then one transaction for the version row and its notifications. */
import { checksumResponseHeaders } from './checksums.js';
import type { RequestContext } from './context.js';
import { nowToTheSecond, quoted, requireBucket, requireKey, sendEmpty } from './context.js';
import { enqueueObjectEvent } from './objectEvents.js';
import { storedHeadersFrom, userMetadataFrom } from './objectHeaders.js';
import { tagsFromHeader } from './objectTagging.js';
import { checkWritePreconditions } from './preconditions.js';
import { receiveBody } from './uploadBody.js';
import { putVersion } from './versioning.js';

export async function putObject(ctx: RequestContext): Promise<void> {
  const key = requireKey(ctx);
  requireBucket(ctx);
  const tags = tagsFromHeader(ctx);
  const { store, blobs, maxObjectSize } = ctx.services;
  const body = await receiveBody(ctx, maxObjectSize);
  let outcome;
  try {
    outcome = store.transaction(() => {
      const bucket = requireBucket(ctx); // it may have gone while the body streamed in
      checkWritePreconditions(ctx, store.latest(bucket.name, key));
      const result = putVersion(store, bucket, {
        bucket: bucket.name,
        key,
        deleteMarker: false,
        blob: body.blob,
        size: body.size,
        etag: body.md5,
        lastModified: nowToTheSecond(),
        headers: storedHeadersFrom(ctx.req.headers),
        metadata: userMetadataFrom(ctx.req.headers),
        crc32: body.crc32,
        tags,
      });
      enqueueObjectEvent(ctx, bucket, {
        eventName: 'ObjectCreated:Put',
        key,
        size: body.size,
        etag: body.md5,
        ...(bucket.versioning && { versionId: result.version.versionId }),
      });
      return { ...result, enabled: bucket.versioning === 'Enabled' };
    });
  } catch (e) {
    blobs.remove(body.blob);
    throw e;
  }
  for (const old of outcome.removed) if (old.blob) blobs.remove(old.blob);
  ctx.services.outbox?.kick();
  // S3 names the version only where versioning is on: a suspended bucket's 'null' version goes unsaid.
  const headers: Record<string, string> = { etag: quoted(body.md5), ...checksumResponseHeaders(body.sent) };
  if (outcome.enabled) headers['x-amz-version-id'] = outcome.version.versionId;
  sendEmpty(ctx, 200, headers);
}

