/**
 * Receives an object or part body straight into a new blob file: aws-chunked framing decoded, size
 * limited, MD5/CRC32 and any checksum the client sent computed on the way, and verified at the end.
 * Memory stays at a socket read or two however large the body is.
 */
import type { BlobWriter } from './blobs.js';
import { AwsChunkedDecoder, isAwsChunked } from './awsChunked.js';
import type { BodyDigests, ChecksumAlgorithm } from './checksums.js';
import { algorithmsSent, BodyDigester, CHECKSUM_ALGORITHMS, checksumHeader, verifyChecksums } from './checksums.js';
import type { RequestContext } from './context.js';
import { header } from './context.js';
import { S3Error } from './s3Errors.js';

export interface ReceivedBody extends BodyDigests {
  /** The fsynced blob holding the decoded bytes; the caller references it in a commit or removes it. */
  blob: string;
  size: number;
  /** Checksums the client sent (header or trailer), by algorithm: the ones S3 echoes back. */
  sent: Partial<Record<ChecksumAlgorithm, string>>;
}

/** What a request says about its body: the values a body is checked against. */
function sentHeaders(ctx: RequestContext): Record<string, string | undefined> {
  const sent: Record<string, string | undefined> = { 'content-md5': header(ctx, 'content-md5'), 'x-amz-trailer': header(ctx, 'x-amz-trailer') };
  for (const a of CHECKSUM_ALGORITHMS) sent[checksumHeader(a)] = header(ctx, checksumHeader(a));
  return sent;
}

export async function receiveBody(ctx: RequestContext, limit: number, alsoCompute: ChecksumAlgorithm[] = []): Promise<ReceivedBody> {
  const chunked = isAwsChunked(header(ctx, 'x-amz-content-sha256'));
  const declared = Number(header(ctx, chunked ? 'x-amz-decoded-content-length' : 'content-length') ?? NaN);
  if (declared > limit) throw tooLarge(limit, declared);
  const sent = sentHeaders(ctx);
  const digester = new BodyDigester([...algorithmsSent(sent), ...alsoCompute]);
  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  const writer: BlobWriter = await ctx.services.blobs.create();
  let size = 0;
  try {
    const take = async (piece: Buffer) => {
      size += piece.length;
      if (size > limit) throw tooLarge(limit);
      digester.update(piece);
      await writer.write(piece);
    };
    for await (const chunk of ctx.req) {
      const raw = chunk as Buffer;
      if (decoder) for (const piece of decoder.push(raw)) await take(piece);
      else await take(raw);
    }
    // A client that stops mid-body ends the stream early: never store a truncated object.
    if (!ctx.req.complete) throw new S3Error('IncompleteBody');
    const trailers = decoder?.finish() ?? {};
    if (!Number.isNaN(declared) && declared !== size) throw new S3Error('IncompleteBody');
    for (const [name, value] of Object.entries(trailers)) if (name.startsWith('x-amz-checksum-')) sent[name] = value;
    const digests = digester.digest();
    verifyChecksums(digests, sent);
    const blob = await writer.commit();
    const echoed: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const a of CHECKSUM_ALGORITHMS) if (sent[checksumHeader(a)] !== undefined) echoed[a] = digests.checksums[a];
    return { ...digests, blob, size, sent: echoed };
  } catch (e) {
    await writer.discard();
    // The socket closed mid-body (the iterator rejects with "aborted"): the client's fault, not ours.
    if (!(e instanceof S3Error) && !ctx.req.complete) throw new S3Error('IncompleteBody');
    throw e;
  }
}

export function tooLarge(limit: number, size?: number): S3Error {
  const details: Record<string, string> = { MaxSizeAllowed: String(limit) };
  if (size !== undefined) details['ProposedSize'] = String(size);
  return new S3Error('EntityTooLarge', undefined, details);
}
