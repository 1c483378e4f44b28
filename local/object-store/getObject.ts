/** GetObject and HeadObject: version resolution, delete markers, conditional requests and byte ranges. */
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from './context.js';
import { header, quoted, requireBucket, requireKey } from './context.js';
import { objectResponseHeaders } from './objectHeaders.js';
import { checkReadPreconditions } from './preconditions.js';
import { S3Error } from './s3Errors.js';
import type { Bucket, ObjectVersion } from './store.js';

/** The version a GET/HEAD/copy addresses, or the S3 error for why there is none. */
export function resolveVersion(ctx: RequestContext, bucket: Bucket, key: string, versionId: string | null): ObjectVersion {
  const { store } = ctx.services;
  if (versionId !== null) {
    const v = store.version(bucket.name, key, versionId);
    if (!v) throw new S3Error('NoSuchVersion', undefined, { Key: key, VersionId: versionId });
    if (v.deleteMarker) {
      throw new S3Error('MethodNotAllowed', undefined, { Method: ctx.req.method ?? 'GET', ResourceType: 'DeleteMarker' }, {
        'x-amz-delete-marker': 'true',
        'x-amz-version-id': v.versionId,
        'last-modified': new Date(v.lastModified).toUTCString(),
        allow: 'DELETE',
      });
    }
    return v;
  }
  const latest = store.latest(bucket.name, key);
  if (!latest) throw new S3Error('NoSuchKey', undefined, { Key: key });
  if (latest.deleteMarker) {
    throw new S3Error('NoSuchKey', undefined, { Key: key }, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': latest.versionId });
  }
  return latest;
}

export async function getObject(ctx: RequestContext): Promise<void> {
  const key = requireKey(ctx);
  const bucket = requireBucket(ctx);
  const v = resolveVersion(ctx, bucket, key, ctx.query.get('versionId'));
  const headers = objectResponseHeaders(v, bucket.versioning !== undefined, ctx.query);
  const notModified = checkReadPreconditions(ctx, v);
  if (notModified) {
    ctx.res.writeHead(304, { etag: quoted(v.etag), 'last-modified': headers['last-modified'] ?? '' });
    ctx.res.end();
    return;
  }
  const range = parseRange(header(ctx, 'range'), v.size);
  const wantsChecksum = header(ctx, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  // A checksum describes the whole object, so S3 sends it on full reads only.
  if (wantsChecksum && !range && v.crc32) headers['x-amz-checksum-crc32'] = v.crc32;
  const isHead = ctx.req.method === 'HEAD';
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${v.size}`;
    headers['content-length'] = String(range.end - range.start + 1);
  } else {
    headers['content-length'] = String(v.size);
  }
  if (isHead || v.size === 0) {
    ctx.res.writeHead(range ? 206 : 200, headers);
    ctx.res.end();
    return;
  }
  // Streamed from disk: a large object never sits whole in memory. Open first, so a missing file is
  // still an S3 error rather than a response cut short.
  const stream = ctx.services.blobs.readStream(v.blob ?? '', range ?? { start: 0, end: v.size - 1 });
  await once(stream, 'ready');
  ctx.res.writeHead(range ? 206 : 200, headers);
  // A client that hangs up mid-body is not an error of ours; the pipeline closes the file either way.
  await pipeline(stream, ctx.res).catch(() => undefined);
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything else (or several ranges) means the whole object, as S3 does. */
export function parseRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = value === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined; // invalid range: ignored per RFC 9110
  }
  if (start >= size) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): S3Error {
  return new S3Error('InvalidRange', undefined, { ActualObjectSize: String(size) }, { 'content-range': `bytes */${size}` });
}
