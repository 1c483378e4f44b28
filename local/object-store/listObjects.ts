/** ListObjectsV2, ListObjects (v1) and ListObjectVersions rendered as S3's XML. */
import type { RequestContext } from './context.js';
import { quoted, requireBucket, sendXml } from './context.js';
import type { Entry, ListRequest } from './listing.js';
import { listLatest, listVersions, resumeAfter } from './listing.js';
import { positionOf } from './positionalIds.js';
import { S3Error } from './s3Errors.js';
import type { ObjectVersion } from './store.js';
import { document, el, node } from './xml.js';

function listRequest(ctx: RequestContext): ListRequest & { encode: (s: string) => string; encodingType: string | undefined } {
  const rawMax = ctx.query.get('max-keys');
  const maxKeys = rawMax === null ? 1000 : Number(rawMax);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys' });
  const encodingType = ctx.query.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type' });
  return {
    prefix: ctx.query.get('prefix') ?? '',
    delimiter: ctx.query.get('delimiter') ?? '',
    maxKeys: Math.min(maxKeys, 1000),
    encodingType,
    encode: encodingType === 'url' ? (s) => encodeURIComponent(s).replace(/%2F/g, '/') : (s) => s,
  };
}

function owner(ctx: RequestContext): string {
  return node('Owner', el('ID', ctx.services.accountId), el('DisplayName', 'meridian'));
}

function contents(ctx: RequestContext, v: ObjectVersion, encode: (s: string) => string, withOwner: boolean): string {
  return node(
    'Contents',
    el('Key', encode(v.key)),
    el('LastModified', v.lastModified),
    el('ETag', quoted(v.etag)),
    el('Size', v.size),
    withOwner ? owner(ctx) : '',
    el('StorageClass', 'STANDARD'),
  );
}

function prefixes<T>(entries: Entry<T>[], encode: (s: string) => string): string[] {
  return entries.flatMap((e) => (e.kind === 'prefix' ? [node('CommonPrefixes', el('Prefix', encode(e.prefix)))] : []));
}

function items<T>(entries: Entry<T>[]): T[] {
  return entries.flatMap((e) => (e.kind === 'item' ? [e.item] : []));
}

/** Where the page ended, in the form the next request resumes from. */
function lastPosition<T extends { key: string }>(entries: Entry<T>[]): string | undefined {
  const last = entries[entries.length - 1];
  if (!last) return undefined;
  return last.kind === 'item' ? last.item.key : last.prefix;
}

export function listObjectsV2(ctx: RequestContext): void {
  const bucket = requireBucket(ctx);
  const req = listRequest(ctx);
  const token = ctx.query.get('continuation-token');
  const startAfter = ctx.query.get('start-after') ?? '';
  let after = startAfter;
  if (token !== null) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (Buffer.from(after, 'utf8').toString('base64url') !== token) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
  }
  const page = listLatest(ctx.services.store, bucket.name, req, after);
  const last = lastPosition(page.entries);
  const next = page.truncated && last !== undefined ? Buffer.from(resumeAfter(last, req), 'utf8').toString('base64url') : undefined;
  const fetchOwner = ctx.query.get('fetch-owner') === 'true';
  sendXml(
    ctx,
    200,
    document(
      'ListBucketResult',
      el('Name', bucket.name),
      el('Prefix', req.encode(req.prefix)),
      req.delimiter ? el('Delimiter', req.encode(req.delimiter)) : '',
      el('MaxKeys', req.maxKeys),
      el('EncodingType', req.encodingType),
      el('KeyCount', page.entries.length),
      el('IsTruncated', page.truncated),
      el('ContinuationToken', token ?? undefined),
      el('NextContinuationToken', next),
      startAfter ? el('StartAfter', req.encode(startAfter)) : '',
      ...items(page.entries).map((v) => contents(ctx, v, req.encode, fetchOwner)),
      ...prefixes(page.entries, req.encode),
    ),
  );
}

export function listObjectsV1(ctx: RequestContext): void {
  const bucket = requireBucket(ctx);
  const req = listRequest(ctx);
  const marker = ctx.query.get('marker') ?? '';
  const page = listLatest(ctx.services.store, bucket.name, req, marker ? resumeAfter(marker, req) : '');
  const last = lastPosition(page.entries);
  sendXml(
    ctx,
    200,
    document(
      'ListBucketResult',
      el('Name', bucket.name),
      el('Prefix', req.encode(req.prefix)),
      el('Marker', req.encode(marker)),
      // S3 sends NextMarker only with a delimiter; without one, clients resume from the last key.
      page.truncated && req.delimiter && last !== undefined ? el('NextMarker', req.encode(last)) : '',
      el('MaxKeys', req.maxKeys),
      req.delimiter ? el('Delimiter', req.encode(req.delimiter)) : '',
      el('EncodingType', req.encodingType),
      el('IsTruncated', page.truncated),
      ...items(page.entries).map((v) => contents(ctx, v, req.encode, true)),
      ...prefixes(page.entries, req.encode),
    ),
  );
}

/**
 * Where a version-id marker sits. The usual way to empty a versioned bucket deletes each page before
 * asking for the next, so the marker often names a version that is gone: S3 resumes after it all the
 * same, and so does this, from the position its id carries (or, for 'null', where it was deleted).
 */
function markedPosition(ctx: RequestContext, bucket: string, key: string, versionId: string): number | undefined {
  const { store } = ctx.services;
  const existing = store.version(bucket, key, versionId);
  if (existing) return existing.seq;
  return versionId === 'null' ? store.deletedNullVersionSeq(bucket, key) : positionOf(versionId);
}

export function listObjectVersions(ctx: RequestContext): void {
  const bucket = requireBucket(ctx);
  const req = listRequest(ctx);
  const keyMarker = ctx.query.get('key-marker') ?? '';
  const versionIdMarker = ctx.query.get('version-id-marker') ?? '';
  let after = { key: resumeAfter(keyMarker, req), seq: 0 };
  if (versionIdMarker) {
    if (!keyMarker) throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.', { ArgumentName: 'version-id-marker' });
    const seq = markedPosition(ctx, bucket.name, keyMarker, versionIdMarker);
    if (seq === undefined) throw new S3Error('InvalidArgument', 'Invalid version id specified', { ArgumentName: 'version-id-marker' });
    after = { key: keyMarker, seq };
  }
  const page = listVersions(ctx.services.store, bucket.name, req, after);
  const last = page.entries[page.entries.length - 1];
  const versionEntries = items(page.entries).map((v) =>
    v.deleteMarker
      ? node('DeleteMarker', owner(ctx), el('Key', req.encode(v.key)), el('VersionId', v.versionId), el('IsLatest', v.isLatest), el('LastModified', v.lastModified))
      : node(
          'Version',
          el('ETag', quoted(v.etag)),
          el('IsLatest', v.isLatest),
          el('Key', req.encode(v.key)),
          el('LastModified', v.lastModified),
          owner(ctx),
          el('Size', v.size),
          el('StorageClass', 'STANDARD'),
          el('VersionId', v.versionId),
        ),
  );
  sendXml(
    ctx,
    200,
    document(
      'ListVersionsResult',
      el('Name', bucket.name),
      el('Prefix', req.encode(req.prefix)),
      el('KeyMarker', req.encode(keyMarker)),
      el('VersionIdMarker', versionIdMarker),
      page.truncated && last ? el('NextKeyMarker', req.encode(last.kind === 'item' ? last.item.key : last.prefix)) : '',
      page.truncated && last?.kind === 'item' ? el('NextVersionIdMarker', last.item.versionId) : '',
      el('MaxKeys', req.maxKeys),
      req.delimiter ? el('Delimiter', req.encode(req.delimiter)) : '',
      el('EncodingType', req.encodingType),
      el('IsTruncated', page.truncated),
      ...versionEntries,
      ...prefixes(page.entries, req.encode),
    ),
  );
}

