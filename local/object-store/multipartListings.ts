/** ListParts (GET key?uploadId) and ListMultipartUploads (GET bucket?uploads), paged as S3 pages them. */
import type { RequestContext } from './context.js';
import { quoted, requireBucket, requireKey, sendXml } from './context.js';
import { byteCompare, resumeAfter } from './listing.js';
import { requireUpload } from './multipartUpload.js';
import { positionOf } from './positionalIds.js';
import { S3Error } from './s3Errors.js';
import type { Upload } from './uploadStore.js';
import { document, el, node } from './xml.js';

function pageSize(ctx: RequestContext, param: string): number {
  const raw = ctx.query.get(param);
  const n = raw === null ? 1000 : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new S3Error('InvalidArgument', `Provided ${param} not an integer or within integer range`, { ArgumentName: param, ArgumentValue: raw ?? '' });
  return Math.min(n, 1000);
}

function person(ctx: RequestContext, name: 'Initiator' | 'Owner'): string {
  return node(name, el('ID', ctx.services.accountId), el('DisplayName', 'meridian'));
}

export function listParts(ctx: RequestContext): void {
  const key = requireKey(ctx);
  const bucket = requireBucket(ctx);
  const upload = requireUpload(ctx, key);
  const maxParts = pageSize(ctx, 'max-parts');
  const rawMarker = ctx.query.get('part-number-marker') ?? '0';
  if (!/^\d{1,9}$/.test(rawMarker)) throw new S3Error('InvalidArgument', 'Provided part-number-marker not an integer or within integer range', { ArgumentName: 'part-number-marker' });
  const marker = Number(rawMarker);
  // An empty page is complete, not truncated (S3 answers max-parts=0 so).
  const rows = maxParts === 0 ? [] : ctx.services.store.uploads.parts(upload.uploadId, marker, maxParts + 1);
  const page = rows.slice(0, maxParts);
  const truncated = rows.length > maxParts;
  const algorithm = upload.checksumAlgorithm;
  sendXml(
    ctx,
    200,
    document(
      'ListPartsResult',
      el('Bucket', bucket.name),
      el('Key', key),
      el('UploadId', upload.uploadId),
      el('PartNumberMarker', marker),
      el('NextPartNumberMarker', page.at(-1)?.partNumber ?? marker),
      el('MaxParts', maxParts),
      el('IsTruncated', truncated),
      ...page.map((p) =>
        node(
          'Part',
          el('PartNumber', p.partNumber),
          el('LastModified', p.lastModified),
          el('ETag', quoted(p.etag)),
          el('Size', p.size),
          algorithm ? el(`Checksum${algorithm.toUpperCase()}`, p.checksums[algorithm]) : '',
        ),
      ),
      person(ctx, 'Initiator'),
      person(ctx, 'Owner'),
      el('StorageClass', 'STANDARD'),
      algorithm ? el('ChecksumAlgorithm', algorithm.toUpperCase()) : '',
      algorithm ? el('ChecksumType', upload.checksumType) : '',
    ),
  );
}

type UploadEntry = { kind: 'upload'; upload: Upload } | { kind: 'prefix'; prefix: string };

export function listMultipartUploads(ctx: RequestContext): void {
  const bucket = requireBucket(ctx);
  const { store } = ctx.services;
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const keyMarker = ctx.query.get('key-marker') ?? '';
  // Without a key marker S3 ignores the upload-id marker.
  const uploadIdMarker = keyMarker ? (ctx.query.get('upload-id-marker') ?? '') : '';
  const maxUploads = pageSize(ctx, 'max-uploads');
  const encodingType = ctx.query.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type' });
  const encode = encodingType === 'url' ? (s: string) => encodeURIComponent(s).replace(/%2F/g, '/') : (s: string) => s;

  let afterSeq = Number.MAX_SAFE_INTEGER; // with a key marker alone, every upload of that key is behind us
  if (uploadIdMarker) {
    const seq = store.uploads.get(uploadIdMarker)?.seq ?? positionOf(uploadIdMarker);
    if (seq === undefined) throw new S3Error('InvalidArgument', 'Invalid uploadId marker', { ArgumentName: 'upload-id-marker', ArgumentValue: uploadIdMarker });
    afterSeq = seq;
  }
  const resumeKey = uploadIdMarker ? keyMarker : resumeAfter(keyMarker, { prefix, delimiter, maxKeys: maxUploads });
  const entries: UploadEntry[] = [];
  let truncated = false;
  let lastPrefix: string | undefined;
  for (const u of store.uploads.list(bucket.name, prefix)) {
    const order = byteCompare(u.key, resumeKey);
    if (keyMarker && (order < 0 || (order === 0 && (!uploadIdMarker || u.seq <= afterSeq)))) continue;
    const at = delimiter ? u.key.indexOf(delimiter, prefix.length) : -1;
    const common = at === -1 ? undefined : u.key.slice(0, at + delimiter.length);
    if (common !== undefined && common === lastPrefix) continue;
    if (entries.length >= maxUploads) {
      truncated = maxUploads > 0;
      break;
    }
    if (common !== undefined) {
      entries.push({ kind: 'prefix', prefix: common });
      lastPrefix = common;
    } else {
      entries.push({ kind: 'upload', upload: u });
    }
  }
  const last = entries.at(-1);
  sendXml(
    ctx,
    200,
    document(
      'ListMultipartUploadsResult',
      el('Bucket', bucket.name),
      el('KeyMarker', encode(keyMarker)),
      el('UploadIdMarker', uploadIdMarker),
      truncated && last ? el('NextKeyMarker', encode(last.kind === 'upload' ? last.upload.key : last.prefix)) : '',
      truncated && last?.kind === 'upload' ? el('NextUploadIdMarker', last.upload.uploadId) : '',
      delimiter ? el('Delimiter', encode(delimiter)) : '',
      el('Prefix', encode(prefix)),
      el('MaxUploads', maxUploads),
      el('EncodingType', encodingType),
      el('IsTruncated', truncated),
      ...entries.flatMap((e) =>
        e.kind === 'upload'
          ? [
              node(
                'Upload',
                el('Key', encode(e.upload.key)),
                el('UploadId', e.upload.uploadId),
                person(ctx, 'Initiator'),
                person(ctx, 'Owner'),
                el('StorageClass', 'STANDARD'),
                el('Initiated', e.upload.initiated),
                e.upload.checksumAlgorithm ? el('ChecksumAlgorithm', e.upload.checksumAlgorithm.toUpperCase()) : '',
              ),
            ]
          : [],
      ),
      ...entries.flatMap((e) => (e.kind === 'prefix' ? [node('CommonPrefixes', el('Prefix', encode(e.prefix)))] : [])),
    ),
  );
}
