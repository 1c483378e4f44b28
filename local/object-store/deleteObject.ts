/** DeleteObject and DeleteObjects (POST ?delete): versioning-aware deletes with their notifications. */
import type { RequestContext } from './context.js';
import { nowToTheSecond, requireBucket, requireKey, sendEmpty, sendXml } from './context.js';
import { enqueueObjectEvent } from './objectEvents.js';
import { readSmallBody } from './requestBody.js';
import { S3Error } from './s3Errors.js';
import type { Bucket } from './store.js';
import type { DeleteOutcome } from './versioning.js';
import { deleteObject as deleteVersioned } from './versioning.js';
import { childrenNamed, childText, document, el, node, parseXml, XmlParseError } from './xml.js';

/** Applies one delete inside the caller's transaction and enqueues its event. */
function applyDelete(ctx: RequestContext, bucket: Bucket, key: string, versionId: string | undefined): DeleteOutcome {
  const outcome = deleteVersioned(ctx.services.store, bucket, key, versionId, nowToTheSecond());
  const versioned = bucket.versioning !== undefined;
  if (outcome.kind === 'removed') {
    enqueueObjectEvent(ctx, bucket, { eventName: 'ObjectRemoved:Delete', key, ...(versioned && { versionId: outcome.version.versionId }) });
  } else if (outcome.kind === 'marker') {
    enqueueObjectEvent(ctx, bucket, { eventName: 'ObjectRemoved:DeleteMarkerCreated', key, versionId: outcome.marker.versionId });
  }
  return outcome;
}

/** Blobs go only after the commit: a crash before it leaves the row and its bytes intact. */
function removeBlobs(ctx: RequestContext, outcomes: DeleteOutcome[]): void {
  for (const o of outcomes) {
    const gone = o.kind === 'removed' ? [o.version] : o.kind === 'marker' ? o.removed : [];
    for (const v of gone) if (v.blob) ctx.services.blobs.remove(v.blob);
  }
}

export function deleteObject(ctx: RequestContext): void {
  const key = requireKey(ctx);
  const versionId = ctx.query.get('versionId') ?? undefined;
  const outcome = ctx.services.store.transaction(() => applyDelete(ctx, requireBucket(ctx), key, versionId));
  removeBlobs(ctx, [outcome]);
  ctx.services.outbox?.kick();
  const headers: Record<string, string> = {};
  if (outcome.kind === 'marker') {
    headers['x-amz-delete-marker'] = 'true';
    headers['x-amz-version-id'] = outcome.marker.versionId;
  } else if (versionId !== undefined) {
    headers['x-amz-version-id'] = versionId;
    if (outcome.kind === 'removed' && outcome.version.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  }
  sendEmpty(ctx, 204, headers);
}

const MAX_KEYS_PER_DELETE = 1000;

export async function deleteObjects(ctx: RequestContext): Promise<void> {
  requireBucket(ctx);
  const data = await readSmallBody(ctx, 2 * 1024 * 1024);
  let root;
  try {
    root = parseXml(data.toString('utf8'));
  } catch (e) {
    if (e instanceof XmlParseError) throw new S3Error('MalformedXML');
    throw e;
  }
  if (root.name !== 'Delete') throw new S3Error('MalformedXML');
  const quiet = childText(root, 'Quiet')?.trim() === 'true';
  const targets = childrenNamed(root, 'Object').map((o) => ({ key: childText(o, 'Key'), versionId: childText(o, 'VersionId')?.trim() || undefined }));
  if (targets.length === 0 || targets.length > MAX_KEYS_PER_DELETE || targets.some((t) => t.key === undefined)) throw new S3Error('MalformedXML');
  const outcomes = ctx.services.store.transaction(() => {
    const bucket = requireBucket(ctx);
    return targets.map((t) => applyDelete(ctx, bucket, t.key ?? '', t.versionId));
  });
  removeBlobs(ctx, outcomes);
  ctx.services.outbox?.kick();
  const results = quiet
    ? []
    : targets.map((t, i) => {
        const o = outcomes[i] as DeleteOutcome;
        const marker = o.kind === 'marker' || (o.kind === 'removed' && o.version.deleteMarker);
        return node(
          'Deleted',
          el('Key', t.key),
          el('VersionId', t.versionId),
          marker ? el('DeleteMarker', true) : '',
          o.kind === 'marker' ? el('DeleteMarkerVersionId', o.marker.versionId) : o.kind === 'removed' && marker ? el('DeleteMarkerVersionId', o.version.versionId) : '',
        );
      });
  sendXml(ctx, 200, document('DeleteResult', ...results));
}
