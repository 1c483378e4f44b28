/** Reads a small request body (XML configuration, DeleteObjects) into memory: size-limited, aws-chunked decoded, checksums verified. */
import { BodyTooLargeError, readBody } from '../http/server.js';
import { decodeAwsChunked, isAwsChunked } from './awsChunked.js';
import { CHECKSUM_ALGORITHMS, checksumHeader, verifyBuffer } from './checksums.js';
import type { RequestContext } from './context.js';
import { header } from './context.js';
import { S3Error } from './s3Errors.js';
import { tooLarge } from './uploadBody.js';

/** Framing adds ~100 bytes per chunk (64 KiB chunks from the SDK); allow generously for it. */
function framingAllowance(limit: number): number {
  return Math.ceil(limit / 1024) * 2 + 64 * 1024;
}

export async function readSmallBody(ctx: RequestContext, limit: number): Promise<Buffer> {
  const chunked = isAwsChunked(header(ctx, 'x-amz-content-sha256'));
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
  const sent: Record<string, string | undefined> = { ...trailers, 'content-md5': header(ctx, 'content-md5') };
  for (const a of CHECKSUM_ALGORITHMS) sent[checksumHeader(a)] ??= header(ctx, checksumHeader(a));
  verifyBuffer(data, sent);
  return data;
}
