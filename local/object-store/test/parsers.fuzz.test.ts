/**
 * Property tests for the parsers of hostile input: the incremental aws-chunked decoder and the
 * CompleteMultipartUpload part list. Seeded, so a failure reproduces; bounded, so the suite stays fast.
 */
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder } from '../awsChunked.js';
import { parsePartList } from '../completeMultipartUpload.js';
import { S3Error } from '../s3Errors.js';

/** mulberry32: a small seeded generator. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n;
  };
}

function bytes(random: (n: number) => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(random(256))));
}

/** Frames data as an SDK would: chunks of random sizes, maybe signed, maybe with trailers. */
function frame(random: (n: number) => number, data: Buffer, trailers: Record<string, string>): Buffer {
  const signed = random(2) < 1;
  const out: Buffer[] = [];
  for (let pos = 0; pos < data.length; ) {
    const size = Math.min(data.length - pos, 1 + Math.floor(random(300)));
    out.push(Buffer.from(`${size.toString(16)}${signed ? ';chunk-signature=' + 'a'.repeat(64) : ''}\r\n`), data.subarray(pos, pos + size), Buffer.from('\r\n'));
    pos += size;
  }
  out.push(Buffer.from(`0${signed ? ';chunk-signature=' + 'b'.repeat(64) : ''}\r\n`));
  for (const [k, v] of Object.entries(trailers)) out.push(Buffer.from(`${k}:${v}\r\n`));
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

/** Feeds the body to a decoder in random pieces, as a socket would deliver it. */
function decodeInPieces(random: (n: number) => number, body: Buffer): { data: Buffer; trailers: Record<string, string> } {
  const decoder = new AwsChunkedDecoder();
  const parts: Buffer[] = [];
  for (let pos = 0; pos < body.length; ) {
    const take = 1 + Math.floor(random(random(2) < 1 ? 5 : 700));
    parts.push(...decoder.push(body.subarray(pos, pos + take)));
    pos += take;
  }
  return { data: Buffer.concat(parts), trailers: decoder.finish() };
}

describe('aws-chunked decoder (property)', () => {
  it('decodes any framing of any bytes, split anywhere, to the original bytes and trailers', () => {
    const random = rng(15);
    for (let run = 0; run < 300; run++) {
      const data = bytes(random, Math.floor(random(2000)));
      const trailers: Record<string, string> = random(2) < 1 ? { 'x-amz-checksum-crc32': bytes(random, 4).toString('base64') } : {};
      const { data: decoded, trailers: got } = decodeInPieces(random, frame(random, data, trailers));
      expect(decoded.equals(data), `run ${run}`).toBe(true);
      expect(got).toEqual(trailers);
    }
  });

  it('on corrupted or truncated framing, fails only with an S3 error and never yields more than it was given', () => {
    const random = rng(16);
    for (let run = 0; run < 500; run++) {
      const data = bytes(random, 1 + Math.floor(random(500)));
      const body = Buffer.from(frame(random, data, { 'x-amz-checksum-crc32': 'AAAAAA==' }));
      const mutation = Math.floor(random(3));
      let input: Buffer = body;
      if (mutation === 0) input = body.subarray(0, Math.floor(random(body.length)));
      if (mutation === 1) for (let i = 0; i < 3; i++) body[Math.floor(random(body.length))] = Math.floor(random(256));
      if (mutation === 2) input = Buffer.concat([body, bytes(random, 1 + Math.floor(random(20)))]);
      try {
        const { data: decoded } = decodeInPieces(random, input);
        expect(decoded.length).toBeLessThanOrEqual(input.length);
      } catch (e) {
        expect(e, `run ${run}`).toBeInstanceOf(S3Error);
      }
    }
  });
});

describe('CompleteMultipartUpload part list (property)', () => {
  it('garbage and near-XML fail only with MalformedXML; well-formed lists parse in order', () => {
    const random = rng(17);
    const pieces = ['<CompleteMultipartUpload>', '</CompleteMultipartUpload>', '<Part>', '</Part>', '<PartNumber>', '</PartNumber>', '<ETag>', '</ETag>', '1', '"abc"', '&amp;', '<', '>', ' '];
    for (let run = 0; run < 500; run++) {
      const xml = Array.from({ length: Math.floor(random(30)) }, () => pieces[Math.floor(random(pieces.length))]).join('');
      try {
        parsePartList(xml);
      } catch (e) {
        expect(e, xml).toBeInstanceOf(S3Error);
        expect((e as S3Error).code).toBe('MalformedXML');
      }
    }
    const list = Array.from({ length: 20 }, (_, i) => `<Part><ETag>"${i.toString(16).padStart(32, '0')}"</ETag><PartNumber>${i + 1}</PartNumber></Part>`);
    const parsed = parsePartList(`<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${list.join('')}</CompleteMultipartUpload>`);
    expect(parsed.map((p) => p.partNumber)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(parsed[3]?.etag).toBe('3'.padStart(32, '0'));
  });
});
