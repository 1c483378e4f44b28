/** Body integrity: MD5 for ETags and Content-MD5, and the SDK's flexible checksums (x-amz-checksum-*). */
import { createHash } from 'node:crypto';
import { S3Error } from './s3Errors.js';

function makeCrcTable(polynomial: number): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? polynomial ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

// Node 20 has no zlib.crc32; tables are cheap.
const CRC32 = makeCrcTable(0xedb88320);
const CRC32C = makeCrcTable(0x82f63b78);

function crc(table: Uint32Array, data: Buffer): Buffer {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = (table[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out;
}

/** The base64 checksum the SDK sends and validates, by header name. */
const ALGORITHMS: Record<string, (data: Buffer) => string> = {
  'x-amz-checksum-crc32': (d) => crc(CRC32, d).toString('base64'),
  'x-amz-checksum-crc32c': (d) => crc(CRC32C, d).toString('base64'),
  'x-amz-checksum-sha1': (d) => createHash('sha1').update(d).digest('base64'),
  'x-amz-checksum-sha256': (d) => createHash('sha256').update(d).digest('base64'),
};

export function crc32Base64(data: Buffer): string {
  return crc(CRC32, data).toString('base64');
}

export function md5Hex(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * Checks Content-MD5 and any x-amz-checksum-* the client sent (as a header or an aws-chunked trailer),
 * so a corrupted upload is refused rather than stored. Unknown algorithms (crc64nvme) are not checked.
 */
export function verifyChecksums(data: Buffer, md5hex: string, sent: Record<string, string | undefined>): void {
  const contentMd5 = sent['content-md5'];
  if (contentMd5 !== undefined) {
    const decoded = Buffer.from(contentMd5, 'base64');
    if (decoded.length !== 16) throw new S3Error('InvalidDigest');
    if (decoded.toString('hex') !== md5hex) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  for (const [header, compute] of Object.entries(ALGORITHMS)) {
    const expected = sent[header];
    if (expected !== undefined && compute(data) !== expected) {
      const name = header.slice('x-amz-checksum-'.length).toUpperCase();
      throw new S3Error('BadDigest', `The ${name} you specified did not match the calculated checksum.`);
    }
  }
}
