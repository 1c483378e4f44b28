/**
 * Decodes aws-chunked bodies. The SDKs send streaming uploads this way
 * (`hex-size[;chunk-signature=...]\r\n data \r\n ... 0\r\n trailers \r\n`), with the checksum as a
 * trailer; only the decoded bytes are the object. The decoder is incremental, so a body of any size
 * passes through in the pieces the socket delivers.
 */
import { S3Error } from './s3Errors.js';

export interface DecodedChunks {
  data: Buffer;
  /** Trailing headers, lower-cased names (x-amz-checksum-crc32 and friends). */
  trailers: Record<string, string>;
}

const CR = 0x0d;
const LF = 0x0a;
/** A chunk header or trailer line longer than this is not aws-chunked framing. */
const MAX_LINE = 8 * 1024;
const MAX_TRAILER_BYTES = 64 * 1024;

type State = 'size' | 'data' | 'data-end' | 'trailers' | 'done';

export class AwsChunkedDecoder {
  private state: State = 'size';
  private line: Buffer[] = [];
  private lineLength = 0;
  private remaining = 0;
  /** Bytes of the CRLF after a chunk's data still expected (2, 1, 0). */
  private crlfSeen = 0;
  private trailerBytes = 0;
  readonly trailers: Record<string, string> = {};

  /** Feeds raw bytes; returns the decoded data they contained (slices of the input). */
  push(input: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < input.length) {
      switch (this.state) {
        case 'size':
        case 'trailers': {
          const lf = input.indexOf(LF, pos);
          const end = lf === -1 ? input.length : lf + 1;
          this.appendLine(input.subarray(pos, end));
          pos = end;
          if (lf !== -1) this.endLine();
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, input.length - pos);
          out.push(input.subarray(pos, pos + take));
          pos += take;
          this.remaining -= take;
          if (this.remaining === 0) {
            this.state = 'data-end';
            this.crlfSeen = 0;
          }
          break;
        }
        case 'data-end': {
          const expected = this.crlfSeen === 0 ? CR : LF;
          if (input[pos] !== expected) throw malformed('chunk data not followed by CRLF');
          pos++;
          if (++this.crlfSeen === 2) this.state = 'size';
          break;
        }
        case 'done':
          // Anything after the final blank line is not part of aws-chunked framing.
          if (input.subarray(pos).some((b) => b !== CR && b !== LF)) throw malformed('data after the final chunk');
          pos = input.length;
          break;
      }
    }
    return out;
  }

  /** Call at the end of the body: throws when the framing stopped early. */
  finish(): Record<string, string> {
    if (this.state === 'trailers' && this.lineLength > 0) this.endLine(); // a last trailer without its CRLF
    if (this.state !== 'trailers' && this.state !== 'done') throw new S3Error('IncompleteBody');
    return this.trailers;
  }

  private appendLine(piece: Buffer): void {
    this.lineLength += piece.length;
    if (this.state === 'size' && this.lineLength > MAX_LINE) throw malformed('chunk header too long');
    if (this.state === 'trailers' && (this.trailerBytes += piece.length) > MAX_TRAILER_BYTES) throw malformed('trailers too long');
    this.line.push(piece);
  }

  private endLine(): void {
    const text = Buffer.concat(this.line, this.lineLength).toString('latin1').replace(/\r?\n?$/, '');
    this.line = [];
    this.lineLength = 0;
    if (this.state === 'size') {
      const sizeText = (text.split(';', 1)[0] ?? '').trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(sizeText)) throw malformed(`bad chunk size "${sizeText.slice(0, 40)}"`);
      const size = parseInt(sizeText, 16);
      this.remaining = size;
      this.state = size === 0 ? 'trailers' : 'data';
      return;
    }
    // Trailer lines until an empty line (some writers omit it and just end).
    if (text === '') {
      this.state = 'done';
      return;
    }
    const colon = text.indexOf(':');
    if (colon === -1) throw malformed(`bad trailer line "${text.slice(0, 80)}"`);
    this.trailers[text.slice(0, colon).trim().toLowerCase()] = text.slice(colon + 1).trim();
  }
}

/** Decodes a whole buffered body. */
export function decodeAwsChunked(body: Buffer): DecodedChunks {
  const decoder = new AwsChunkedDecoder();
  const parts = decoder.push(body);
  return { data: Buffer.concat(parts), trailers: decoder.finish() };
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

/**
 * S3 decides from the payload hash, not from Content-Encoding: every aws-chunked body is sent with
 * `x-amz-content-sha256: STREAMING-…`, and a body whose hash is anything else is the object as sent.
 */
export function isAwsChunked(contentSha256: string | undefined): boolean {
  return contentSha256?.trim().startsWith('STREAMING-') ?? false;
}
