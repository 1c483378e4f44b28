/** Conditional requests: If-Match / If-None-Match / If-(Un)Modified-Since on reads, and conditional writes. */
import type { RequestContext } from './context.js';
import { header, quoted, requireKey } from './context.js';
import { S3Error } from './s3Errors.js';
import type { ObjectVersion } from './store.js';

export function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === quoted(etag) || tag === etag;
  });
}

/** Conditional writes: If-None-Match: * (create only) and If-Match: etag (replace only that version). */
export function checkWritePreconditions(ctx: RequestContext, latest: ObjectVersion | undefined): void {
  const current = latest && !latest.deleteMarker ? latest : undefined;
  const ifNoneMatch = header(ctx, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && current) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
  const ifMatch = header(ctx, 'if-match');
  if (ifMatch !== undefined) {
    if (!current) throw new S3Error('NoSuchKey', undefined, { Key: requireKey(ctx) });
    if (!etagListMatches(ifMatch, current.etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
  }
}

/** True for "not modified"; throws PreconditionFailed for a failed If-Match/If-Unmodified-Since. */
export function checkReadPreconditions(ctx: RequestContext, v: ObjectVersion): boolean {
  const modified = new Date(v.lastModified).getTime();
  const ifMatch = header(ctx, 'if-match');
  const ifNoneMatch = header(ctx, 'if-none-match');
  const ifModifiedSince = Date.parse(header(ctx, 'if-modified-since') ?? '');
  const ifUnmodifiedSince = Date.parse(header(ctx, 'if-unmodified-since') ?? '');
  if (ifMatch !== undefined && !etagListMatches(ifMatch, v.etag)) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
  if (ifMatch === undefined && !Number.isNaN(ifUnmodifiedSince) && modified > ifUnmodifiedSince) {
    throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Unmodified-Since' });
  }
  if (ifNoneMatch !== undefined) return etagListMatches(ifNoneMatch, v.etag);
  return !Number.isNaN(ifModifiedSince) && modified <= ifModifiedSince;
}
