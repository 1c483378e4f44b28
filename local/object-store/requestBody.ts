/** Reads an upload body: size-limited, aws-chunked decoded, checksums verified. */
import { BodyTooLargeError, readBody } from '../http/server.js';
import { decodeAwsChunked, isAwsChunked } from './awsChunked.js';
import { md5Hex, verifyChecksums } from './checksums.js';
import type { RequestContext } from './context.js';
import { header } from './context.js';
import { S3Error } from './s3Errors.js';

export interface UploadBody {
  data: Buffer;
  md5: string;
}

/** Framing adds ~100 bytes per chunk (64 KiB chunks from the SDK); allow generously for it. */
function framingAllowance(limit: number): number {
  return Math.ceil(limit / 1024) * 2 + 64 * 1024;
}

export async function readUpload(ctx: RequestContext, limit: number): Promise<UploadBody> {
  const chunked = isAwsChunked(header(ctx, 'content-encoding'), header(ctx, 'x-amz-content-sha256'));
  const declared = Number(header(ctx, chunked ? 'x-amz-decoded-content-length' : 'content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit, declared);
  let raw: Buffer;
  try {
    raw = await readBody(ctx.req, chunked ? limit + framingAllowance(limit) : limit);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw tooLarge(limit);
    throw e;
  }
  let data = raw;
  let trailers: Record<string, string> = {};
  if (chunked) {
    ({ data, trailers } = decodeAwsChunked(raw));
    if (!Number.isNaN(declared) && declared !== data.length) throw new S3Error('IncompleteBody');
  }
  if (data.length > limit) throw tooLarge(limit, data.length);
  const md5 = md5Hex(data);
  const sent: Record<string, string | undefined> = { ...trailers };
  for (const name of ['content-md5', 'x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256']) {
    sent[name] ??= header(ctx, name);
  }
  verifyChecksums(data, md5, sent);
  return { data, md5 };
}

function tooLarge(limit: number, size?: number): S3Error {
  const details: Record<string, string> = { MaxSizeAllowed: String(limit) };
  if (size !== undefined) details['ProposedSize'] = String(size);
  return new S3Error('EntityTooLarge', undefined, details);
}
