/**
 * Decodes `Content-Encoding: aws-chunked` bodies. The SDK sends streaming uploads this way
 * (`hex-size[;chunk-signature=...]\r\n data \r\n ... 0\r\n trailers \r\n`), with the checksum as a
 * trailer; only the decoded bytes are the object.
 */
import { S3Error } from './s3Errors.js';

export interface DecodedChunks {
  data: Buffer;
  /** Trailing headers, lower-cased names (x-amz-checksum-crc32 and friends). */
  trailers: Record<string, string>;
}

const CRLF = Buffer.from('\r\n');

export function decodeAwsChunked(body: Buffer): DecodedChunks {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, pos);
    if (lineEnd === -1) throw malformed('chunk header without CRLF');
    const header = body.subarray(pos, lineEnd).toString('latin1');
    const sizeText = (header.split(';', 1)[0] ?? '').trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw malformed(`bad chunk size "${sizeText}"`);
    const size = parseInt(sizeText, 16);
    pos = lineEnd + 2;
    if (size === 0) break;
    if (pos + size > body.length) throw new S3Error('IncompleteBody');
    parts.push(body.subarray(pos, pos + size));
    pos += size;
    if (!body.subarray(pos, pos + 2).equals(CRLF)) throw malformed('chunk data not followed by CRLF');
    pos += 2;
  }
  const trailers: Record<string, string> = {};
  // Trailer lines until an empty line or the end (some writers omit the final CRLF).
  while (pos < body.length) {
    let lineEnd = body.indexOf(CRLF, pos);
    if (lineEnd === -1) lineEnd = body.length;
    const line = body.subarray(pos, lineEnd).toString('latin1');
    pos = lineEnd + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon === -1) throw malformed(`bad trailer line "${line}"`);
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { data: Buffer.concat(parts), trailers };
}

function malformed(why: string): S3Error {
  return new S3Error('InvalidArgument', `Malformed aws-chunked body: ${why}`);
}

/** `aws-chunked, gzip` → `gzip`: the framing is transport, not part of the stored Content-Encoding. */
export function stripAwsChunked(contentEncoding: string | undefined): string | undefined {
  if (contentEncoding === undefined) return undefined;
  const rest = contentEncoding
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s.toLowerCase() !== 'aws-chunked');
  return rest.length ? rest.join(', ') : undefined;
}

export function isAwsChunked(contentEncoding: string | undefined, contentSha256: string | undefined): boolean {
  if (contentEncoding?.split(',').some((s) => s.trim().toLowerCase() === 'aws-chunked')) return true;
  return contentSha256?.startsWith('STREAMING-') ?? false;
}
