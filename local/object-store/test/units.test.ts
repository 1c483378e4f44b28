import { describe, expect, it } from 'vitest';
import { decodeAwsChunked, stripAwsChunked } from '../awsChunked.js';
import { bucketNameProblem } from '../bucketNames.js';
import { crc32Base64 } from '../checksums.js';
import { eventKey } from '../eventRecords.js';
import { eventMatches } from '../notifications.js';
import { parseRange } from '../getObject.js';

describe('aws-chunked decoding', () => {
  it('decodes signed chunks (SigV4 streaming) and unsigned chunks with trailers', () => {
    const signed = Buffer.from('5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=ghi\r\n\r\n');
    expect(decodeAwsChunked(signed).data.toString()).toBe('hello world');
    const unsigned = Buffer.from(`3\r\nabc\r\n0\r\nx-amz-checksum-crc32:${crc32Base64(Buffer.from('abc'))}\r\n\r\n`);
    const decoded = decodeAwsChunked(unsigned);
    expect(decoded.data.toString()).toBe('abc');
    expect(decoded.trailers).toEqual({ 'x-amz-checksum-crc32': 'NSRBwg==' });
  });

  it('refuses truncated bodies and keeps real content encodings', () => {
    expect(() => decodeAwsChunked(Buffer.from('10\r\nshort\r\n'))).toThrow();
    expect(stripAwsChunked('aws-chunked')).toBeUndefined();
    expect(stripAwsChunked('aws-chunked,gzip')).toBe('gzip');
  });
});

describe('small rules', () => {
  it('encodes event keys as S3 does', () => {
    expect(eventKey('views/new york.json')).toBe('views/new+york.json');
    expect(eventKey('a+b=c')).toBe('a%2Bb%3Dc');
  });

  it('matches event wildcards', () => {
    expect(eventMatches('s3:ObjectCreated:*', 'ObjectCreated:Copy')).toBe(true);
    expect(eventMatches('s3:ObjectCreated:Put', 'ObjectCreated:Copy')).toBe(false);
    expect(eventMatches('s3:ObjectRemoved:*', 'ObjectRemoved:DeleteMarkerCreated')).toBe(true);
  });

  it('validates bucket names', () => {
    expect(bucketNameProblem('meridian-search-us-east-1')).toBeUndefined();
    for (const bad of ['ab', 'UPPER', '-dash', 'dots..x', '10.0.0.1', 'xn--punycode', 'name-s3alias', 'under_score']) {
      expect(bucketNameProblem(bad), bad).toBeDefined();
    }
  });

  it('parses ranges', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange('bytes=8-100', 10)).toEqual({ start: 8, end: 9 });
    expect(parseRange('bytes=-20', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=0-1,4-5', 10)).toBeUndefined();
    expect(() => parseRange('bytes=10-', 10)).toThrow();
  });
});

describe('CRC combination', () => {
  it('combines part CRC32s and CRC32Cs into the CRC of the whole, for any split', async () => {
    const { combineCrcs, BodyDigester } = await import('../checksums.js');
    const { randomBytes } = await import('node:crypto');
    const whole = randomBytes(70_000);
    for (const cuts of [[0], [1], [65_536], [3, 9, 40_000], [69_999]]) {
      const bounds = [0, ...cuts, whole.length];
      const pieces = bounds.slice(1).map((end, i) => whole.subarray(bounds[i], end));
      for (const algorithm of ['crc32', 'crc32c'] as const) {
        const crcOf = (b: Buffer) => {
          const d = new BodyDigester([algorithm]);
          d.update(b);
          return d.digest().checksums[algorithm] ?? '';
        };
        expect(combineCrcs(algorithm, pieces.map((p) => ({ crc: crcOf(p), length: p.length })))).toBe(crcOf(whole));
      }
    }
  });
});
