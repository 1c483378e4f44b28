/**
 * Multipart uploads, all but completion: CreateMultipartUpload, UploadPart, UploadPartCopy and
 * AbortMultipartUpload. Each part streams into its own blob; its row commits only if the upload is
 * still there when the bytes are in, and a replaced or aborted part's blob goes after the commit.
 */
import { assembleBlob } from './blobAssembly.js';
import type { ChecksumAlgorithm } from './checksums.js';
import { checksumAlgorithmNamed, checksumResponseHeaders } from './checksums.js';
import type { RequestContext } from './context.js';
import { header, nowToTheSecond, quoted, requireBucket, requireKey, sendEmpty, sendXml } from './context.js';
import { checkCopySourceConditions, parseCopySource } from './copyObject.js';
import { resolveVersion } from './getObject.js';
import { storedHeadersFrom, userMetadataFrom } from './objectHeaders.js';
import { tagsFromHeader } from './objectTagging.js';
import { positionalId } from './positionalIds.js';
import { S3Error } from './s3Errors.js';
import { tooLarge, receiveBody } from './uploadBody.js';
import type { ChecksumType, Part, Upload } from './uploadStore.js';
import { document, el } from './xml.js';

export const MAX_PART_NUMBER = 10_000;

/** The upload a request names, for this bucket and key; NoSuchUpload otherwise (also once completed or aborted). */
export function requireUpload(ctx: RequestContext, key: string): Upload {
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = ctx.services.store.uploads.get(uploadId);
  if (!upload || upload.bucket !== ctx.bucket || upload.key !== key) throw new S3Error('NoSuchUpload', undefined, { UploadId: uploadId });
  return upload;
}

function partNumberOf(ctx: RequestContext): number {
  const raw = ctx.query.get('partNumber') ?? '';
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) {
    throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, {
      ArgumentName: 'partNumber',
      ArgumentValue: raw,
    });
  }
  return n;
}

function algorithmsOf(upload: Upload): ChecksumAlgorithm[] {
  return upload.checksumAlgorithm ? [upload.checksumAlgorithm] : [];
}

export async function createMultipartUpload(ctx: RequestContext): Promise<void> {
  const key = requireKey(ctx);
  requireBucket(ctx);
  // Unknown algorithms (CRC64NVME) are accepted and not computed, as for a single PUT.
  const checksumAlgorithm = checksumAlgorithmNamed(header(ctx, 'x-amz-checksum-algorithm'));
  const typeHeader = header(ctx, 'x-amz-checksum-type')?.trim().toUpperCase();
  if (typeHeader !== undefined && typeHeader !== 'COMPOSITE' && typeHeader !== 'FULL_OBJECT') {
    throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
  }
  const checksumType: ChecksumType = typeHeader ?? 'COMPOSITE';
  if (checksumType === 'FULL_OBJECT' && (checksumAlgorithm === 'sha1' || checksumAlgorithm === 'sha256')) {
    throw new S3Error('InvalidRequest', `The FULL_OBJECT checksum type cannot be used with the ${checksumAlgorithm.toUpperCase()} checksum algorithm.`);
  }
  const tags = tagsFromHeader(ctx);
  const now = Date.now();
  const { store } = ctx.services;
  const upload = store.transaction(() => {
    const bucket = requireBucket(ctx);
    const seq = store.uploads.nextSeq();
    const created: Upload = {
      seq,
      uploadId: positionalId(seq),
      bucket: bucket.name,
      key,
      initiated: nowToTheSecond(),
      initiatedMs: now,
      headers: storedHeadersFrom(ctx.req.headers),
      metadata: userMetadataFrom(ctx.req.headers),
      tags,
      checksumAlgorithm,
      checksumType,
    };
    store.uploads.create(created);
    return created;
  });
  const headers: Record<string, string> = {};
  if (checksumAlgorithm) {
    headers['x-amz-checksum-algorithm'] = checksumAlgorithm.toUpperCase();
    headers['x-amz-checksum-type'] = checksumType;
  }
  sendXml(ctx, 200, document('InitiateMultipartUploadResult', el('Bucket', upload.bucket), el('Key', key), el('UploadId', upload.uploadId)), headers);
}

/** Commits a part whose bytes are in `part.blob`; the blob is removed if the upload has gone meanwhile. */
function commitPart(ctx: RequestContext, key: string, part: Omit<Part, 'uploadId'>): void {
  const { store, blobs } = ctx.services;
  let replaced: Part | undefined;
  try {
    replaced = store.transaction(() => {
      const upload = requireUpload(ctx, key);
      return store.uploads.putPart({ ...part, uploadId: upload.uploadId });
    });
  } catch (e) {
    blobs.remove(part.blob);
    throw e;
  }
  if (replaced) blobs.remove(replaced.blob);
}

export async function uploadPart(ctx: RequestContext): Promise<void> {
  const key = requireKey(ctx);
  requireBucket(ctx);
  const partNumber = partNumberOf(ctx);
  const upload = requireUpload(ctx, key);
  const body = await receiveBody(ctx, ctx.services.maxObjectSize, algorithmsOf(upload));
  commitPart(ctx, key, { partNumber, blob: body.blob, size: body.size, etag: body.md5, lastModified: nowToTheSecond(), checksums: body.checksums });
  const echoed = { ...body.sent };
  if (upload.checksumAlgorithm) echoed[upload.checksumAlgorithm] = body.checksums[upload.checksumAlgorithm];
  sendEmpty(ctx, 200, { etag: quoted(body.md5), ...checksumResponseHeaders(echoed) });
}

/** `bytes=first-last` of x-amz-copy-source-range, inside an object of `size` bytes. */
export function parseCopyRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < Number(m[1])) {
    throw new S3Error(
      'InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value },
    );
  }
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end >= size) throw new S3Error('InvalidRange', undefined, { ActualObjectSize: String(size), RangeRequested: value });
  return { start, end };
}

export async function uploadPartCopy(ctx: RequestContext): Promise<void> {
  const key = requireKey(ctx);
  requireBucket(ctx);
  const partNumber = partNumberOf(ctx);
  const upload = requireUpload(ctx, key);
  const { store, blobs, maxObjectSize } = ctx.services;
  const source = parseCopySource(header(ctx, 'x-amz-copy-source') ?? '');
  const sourceBucket = store.getBucket(source.bucket);
  if (!sourceBucket) throw new S3Error('NoSuchBucket', undefined, { BucketName: source.bucket });
  const src = resolveVersion(ctx, sourceBucket, source.key, source.versionId);
  checkCopySourceConditions(ctx, src.etag, src.lastModified);
  const range = parseCopyRange(header(ctx, 'x-amz-copy-source-range'), src.size);
  const size = range ? range.end - range.start + 1 : src.size;
  if (size > maxObjectSize) throw tooLarge(maxObjectSize, size);
  const copied = await assembleBlob(blobs, src.size === 0 ? [] : [{ blob: src.blob ?? '', ...(range && { range }) }], algorithmsOf(upload));
  const lastModified = nowToTheSecond();
  commitPart(ctx, key, { partNumber, blob: copied.blob, size: copied.size, etag: copied.md5, lastModified, checksums: copied.checksums });
  const headers: Record<string, string> = {};
  if (sourceBucket.versioning !== undefined) headers['x-amz-copy-source-version-id'] = src.versionId;
  const checksum = upload.checksumAlgorithm && copied.checksums[upload.checksumAlgorithm];
  sendXml(
    ctx,
    200,
    document(
      'CopyPartResult',
      el('ETag', quoted(copied.md5)),
      el('LastModified', lastModified),
      upload.checksumAlgorithm && checksum ? el(`Checksum${upload.checksumAlgorithm.toUpperCase()}`, checksum) : '',
    ),
    headers,
  );
}

export function abortMultipartUpload(ctx: RequestContext): void {
  const key = requireKey(ctx);
  requireBucket(ctx);
  const { store, blobs } = ctx.services;
  const parts = store.transaction(() => store.uploads.remove(requireUpload(ctx, key).uploadId));
  for (const p of parts) blobs.remove(p.blob);
  sendEmpty(ctx, 204);
}
