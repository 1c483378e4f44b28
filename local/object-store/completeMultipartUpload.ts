/**
 * CompleteMultipartUpload: the part list is checked as S3 checks it (ascending, every part present
 * with its ETag and checksums, all but the last at least 5 MiB), the listed parts are joined into one
 * blob, and one transaction writes the version, its notification and the upload's removal. Anything
 * refused changes nothing: the upload and its parts stay as they were.
 */
import { createHash } from 'node:crypto';
import { joinSlices } from './blobAssembly.js';
import type { ChecksumAlgorithm } from './checksums.js';
import { CHECKSUM_ALGORITHMS, combineCrcs, compositeChecksum } from './checksums.js';
import type { RequestContext } from './context.js';
import { header, quoted, requireBucket, requireKey, sendXml, nowToTheSecond } from './context.js';
import { requireUpload } from './multipartUpload.js';
import { enqueueObjectEvent } from './objectEvents.js';
import { checkWritePreconditions } from './preconditions.js';
import { readSmallBody } from './requestBody.js';
import { S3Error } from './s3Errors.js';
import type { Part, Upload } from './uploadStore.js';
import { putVersion } from './versioning.js';
import { childrenNamed, childText, document, el, parseXml, XmlParseError } from './xml.js';

export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** 10,000 parts of about 150 bytes of XML each, with room to spare. */
const PART_LIST_LIMIT = 4 * 1024 * 1024;

interface ListedPart {
  partNumber: number;
  etag: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

export function parsePartList(xml: string): ListedPart[] {
  let root;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (e instanceof XmlParseError) throw new S3Error('MalformedXML');
    throw e;
  }
  if (root.name !== 'CompleteMultipartUpload') throw new S3Error('MalformedXML');
  const parts = childrenNamed(root, 'Part').map((p) => {
    const number = childText(p, 'PartNumber')?.trim() ?? '';
    const etag = childText(p, 'ETag');
    if (!/^\d{1,9}$/.test(number) || etag === undefined) throw new S3Error('MalformedXML');
    const checksums: ListedPart['checksums'] = {};
    for (const a of CHECKSUM_ALGORITHMS) {
      const value = childText(p, `Checksum${a.toUpperCase()}`)?.trim();
      if (value) checksums[a] = value;
    }
    return { partNumber: Number(number), etag: etag.trim().replace(/^"|"$/g, ''), checksums };
  });
  if (parts.length === 0) throw new S3Error('MalformedXML');
  return parts;
}

/** The stored parts the list names, or S3's error for the first thing wrong with it. */
function chooseParts(ctx: RequestContext, upload: Upload, listed: ListedPart[]): Part[] {
  for (let i = 1; i < listed.length; i++) {
    if ((listed[i] as ListedPart).partNumber <= (listed[i - 1] as ListedPart).partNumber) throw new S3Error('InvalidPartOrder', undefined, { UploadId: upload.uploadId });
  }
  const chosen = listed.map((l) => {
    const stored = ctx.services.store.uploads.part(upload.uploadId, l.partNumber);
    const checksumsMatch = Object.entries(l.checksums).every(([a, v]) => stored?.checksums[a as ChecksumAlgorithm] === undefined || stored.checksums[a as ChecksumAlgorithm] === v);
    if (!stored || stored.etag !== l.etag.toLowerCase() || !checksumsMatch) {
      throw new S3Error('InvalidPart', undefined, { UploadId: upload.uploadId, PartNumber: String(l.partNumber), ETag: l.etag });
    }
    return stored;
  });
  chosen.slice(0, -1).forEach((p) => {
    if (p.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', undefined, {
        ProposedSize: String(p.size),
        MinSizeAllowed: String(MIN_PART_SIZE),
        PartNumber: String(p.partNumber),
        ETag: quoted(p.etag),
      });
    }
  });
  return chosen;
}

/** S3's multipart ETag: the MD5 of the parts' binary MD5s, then `-N`. */
export function multipartEtag(partMd5s: string[]): string {
  const md5 = createHash('md5');
  for (const m of partMd5s) md5.update(Buffer.from(m, 'hex'));
  return `${md5.digest('hex')}-${partMd5s.length}`;
}

/** The CRC of the whole object, from its parts' CRCs: the bytes are not read again. */
function fullObjectCrc(algorithm: 'crc32' | 'crc32c', parts: Part[]): string | undefined {
  const pieces = parts.map((p) => ({ crc: p.checksums[algorithm], length: p.size }));
  return pieces.every((p): p is { crc: string; length: number } => p.crc !== undefined) ? combineCrcs(algorithm, pieces) : undefined;
}

/** The object's checksum in the form the upload asked for at creation, if it asked. */
function objectChecksum(upload: Upload, parts: Part[]): string | undefined {
  const algorithm = upload.checksumAlgorithm;
  if (!algorithm) return undefined;
  if (upload.checksumType === 'FULL_OBJECT') return algorithm === 'crc32' || algorithm === 'crc32c' ? fullObjectCrc(algorithm, parts) : undefined;
  const partSums = parts.map((p) => p.checksums[algorithm]);
  return partSums.every((s): s is string => s !== undefined) ? compositeChecksum(algorithm, partSums) : undefined;
}

function objectUrl(ctx: RequestContext, bucket: string, key: string): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `http://${header(ctx, 'host') ?? '127.0.0.1'}/${encodeURIComponent(bucket)}/${path}`;
}

export async function completeMultipartUpload(ctx: RequestContext): Promise<void> {
  const key = requireKey(ctx);
  requireBucket(ctx);
  const { store, blobs } = ctx.services;
  const listed = parsePartList((await readSmallBody(ctx, PART_LIST_LIMIT)).toString('utf8'));
  const upload = requireUpload(ctx, key);
  const parts = chooseParts(ctx, upload, listed);
  const assembled = await joinSlices(blobs, parts.map((p) => ({ blob: p.blob }))).catch((e: unknown) => {
    // An abort (or the age sweep) removed the parts' files while they were being joined.
    if (!store.uploads.get(upload.uploadId)) throw new S3Error('NoSuchUpload', undefined, { UploadId: upload.uploadId });
    throw e;
  });
  const crc32 = fullObjectCrc('crc32', parts);
  const etag = multipartEtag(parts.map((p) => p.etag));
  let outcome;
  try {
    outcome = store.transaction(() => {
      const bucket = requireBucket(ctx);
      // An abort, another completion or a re-sent part may have landed while the bytes were joined.
      const current = requireUpload(ctx, key);
      const now = chooseParts(ctx, current, listed);
      if (now.some((p, i) => p.blob !== parts[i]?.blob)) throw new S3Error('InvalidPart', 'A part was replaced while the upload was being completed; complete it again.');
      checkWritePreconditions(ctx, store.latest(bucket.name, key));
      const result = putVersion(store, bucket, {
        bucket: bucket.name,
        key,
        deleteMarker: false,
        blob: assembled.blob,
        size: assembled.size,
        etag,
        lastModified: nowToTheSecond(),
        headers: upload.headers,
        metadata: upload.metadata,
        crc32,
        tags: upload.tags,
      });
      enqueueObjectEvent(ctx, bucket, {
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        key,
        size: assembled.size,
        etag,
        ...(bucket.versioning && { versionId: result.version.versionId }),
      });
      // Parts not named in the list go too, as on S3.
      const partsGone = store.uploads.remove(upload.uploadId);
      return { ...result, partsGone, enabled: bucket.versioning === 'Enabled' };
    });
  } catch (e) {
    blobs.remove(assembled.blob);
    throw e;
  }
  for (const p of outcome.partsGone) blobs.remove(p.blob);
  for (const old of outcome.removed) if (old.blob) blobs.remove(old.blob);
  ctx.services.outbox?.kick();
  const checksum = objectChecksum(upload, parts);
  const headers: Record<string, string> = {};
  if (outcome.enabled) headers['x-amz-version-id'] = outcome.version.versionId;
  sendXml(
    ctx,
    200,
    document(
      'CompleteMultipartUploadResult',
      el('Location', objectUrl(ctx, upload.bucket, key)),
      el('Bucket', upload.bucket),
      el('Key', key),
      el('ETag', quoted(etag)),
      checksum && upload.checksumAlgorithm ? el(`Checksum${upload.checksumAlgorithm.toUpperCase()}`, checksum) : '',
      checksum ? el('ChecksumType', upload.checksumType) : '',
    ),
    headers,
  );
}
