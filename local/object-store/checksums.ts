/** Body integrity: MD5 for ETags and Content-MD5, and the SDK's flexible checksums (x-amz-checksum-*), computed as bytes stream by. */
import type { Hash } from 'node:crypto';
import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { S3Error } from './s3Errors.js';

export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'sha1' | 'sha256';

export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['crc32', 'crc32c', 'sha1', 'sha256'];

export function checksumHeader(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm}`;
}

/** S3 echoes each checksum the client sent, so the SDK can confirm what was stored. */
export function checksumResponseHeaders(checksums: Partial<Record<ChecksumAlgorithm, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const a of CHECKSUM_ALGORITHMS) {
    const value = checksums[a];
    if (value !== undefined) headers[checksumHeader(a)] = value;
  }
  return headers;
}

/** `CRC32` (as the SDK names it in x-amz-checksum-algorithm) → 'crc32'; unknown ones (crc64nvme) → undefined. */
export function checksumAlgorithmNamed(name: string | undefined): ChecksumAlgorithm | undefined {
  const lower = name?.trim().toLowerCase();
  return CHECKSUM_ALGORITHMS.find((a) => a === lower);
}

const CRC32_POLYNOMIAL = 0xedb88320;
const CRC32C_POLYNOMIAL = 0x82f63b78;

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? CRC32C_POLYNOMIAL ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Incremental CRC32C (Castagnoli); Node's zlib only has the plain CRC32. */
function crc32c(data: Uint8Array, previous: number): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = (CRC32C_TABLE[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function uint32Base64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
}

/** One running checksum: fed chunk by chunk, read once at the end as S3's base64. */
interface Running {
  update(chunk: Buffer): void;
  digest(): string;
}

function running(algorithm: ChecksumAlgorithm): Running {
  if (algorithm === 'crc32' || algorithm === 'crc32c') {
    const step = algorithm === 'crc32' ? zlibCrc32 : crc32c;
    let value = 0;
    return { update: (chunk) => void (value = step(chunk, value)), digest: () => uint32Base64(value) };
  }
  const hash: Hash = createHash(algorithm);
  return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest('base64') };
}

export interface BodyDigests {
  md5: string;
  /** Base64 CRC32 of the whole body: always computed, kept for GET with x-amz-checksum-mode. */
  crc32: string;
  /** Base64 values of every algorithm asked for (crc32 included). */
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** MD5 and CRC32 always, plus the algorithms the client named, over a body seen once. */
export class BodyDigester {
  private readonly md5 = createHash('md5');
  private readonly sums = new Map<ChecksumAlgorithm, Running>();

  constructor(algorithms: Iterable<ChecksumAlgorithm>) {
    this.sums.set('crc32', running('crc32'));
    for (const a of algorithms) if (!this.sums.has(a)) this.sums.set(a, running(a));
  }

  update(chunk: Buffer): void {
    this.md5.update(chunk);
    for (const s of this.sums.values()) s.update(chunk);
  }

  digest(): BodyDigests {
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [a, s] of this.sums) checksums[a] = s.digest();
    return { md5: this.md5.digest('hex'), crc32: checksums.crc32 ?? '', checksums };
  }
}

function gf2Times(matrix: Uint32Array, vector: number): number {
  let sum = 0;
  for (let i = 0, v = vector >>> 0; v !== 0; i++, v >>>= 1) if (v & 1) sum ^= matrix[i] as number;
  return sum >>> 0;
}

function gf2Square(square: Uint32Array, matrix: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(matrix, matrix[n] as number);
}

/**
 * The CRC of A followed by B from crc(A), crc(B) and B's length, without the bytes (zlib's
 * crc32_combine): a multipart object's full-object CRC comes from its parts' CRCs.
 */
function crcCombine(polynomial: number, crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = polynomial;
  for (let n = 1; n < 32; n++) odd[n] = 1 << (n - 1);
  gf2Square(even, odd); // two zero bits
  gf2Square(odd, even); // four
  let crc = crcA >>> 0;
  let remaining = lengthB;
  for (;;) {
    gf2Square(even, odd);
    if (remaining % 2 === 1) crc = gf2Times(even, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
    gf2Square(odd, even);
    if (remaining % 2 === 1) crc = gf2Times(odd, crc);
    remaining = Math.floor(remaining / 2);
    if (remaining === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

/** The base64 CRC32 (or CRC32C) of pieces laid end to end, from each piece's base64 CRC and length. */
export function combineCrcs(algorithm: 'crc32' | 'crc32c', pieces: Array<{ crc: string; length: number }>): string {
  const polynomial = algorithm === 'crc32' ? CRC32_POLYNOMIAL : CRC32C_POLYNOMIAL;
  let crc = 0;
  for (const p of pieces) crc = crcCombine(polynomial, crc, Buffer.from(p.crc, 'base64').readUInt32BE(0), p.length);
  return uint32Base64(crc);
}

export function crc32Base64(data: Buffer): string {
  return uint32Base64(zlibCrc32(data));
}

export function md5Hex(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/** Checksums a client may send for a body: the algorithms named in headers or announced as trailers. */
export function algorithmsSent(headers: Record<string, string | undefined>): ChecksumAlgorithm[] {
  const trailer = headers['x-amz-trailer']?.toLowerCase() ?? '';
  return CHECKSUM_ALGORITHMS.filter((a) => headers[checksumHeader(a)] !== undefined || trailer.includes(checksumHeader(a)));
}

/**
 * Checks Content-MD5 and any x-amz-checksum-* the client sent (as a header or an aws-chunked trailer),
 * so a corrupted upload is refused rather than stored. Unknown algorithms (crc64nvme) are not checked.
 */
export function verifyChecksums(digests: BodyDigests, sent: Record<string, string | undefined>): void {
  const contentMd5 = sent['content-md5'];
  if (contentMd5 !== undefined) {
    const decoded = Buffer.from(contentMd5, 'base64');
    if (decoded.length !== 16) throw new S3Error('InvalidDigest');
    if (decoded.toString('hex') !== digests.md5) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const expected = sent[checksumHeader(algorithm)];
    if (expected !== undefined && digests.checksums[algorithm] !== expected) {
      throw new S3Error('BadDigest', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
    }
  }
}

/** Verifies a buffered body (small XML request bodies). */
export function verifyBuffer(data: Buffer, sent: Record<string, string | undefined>): BodyDigests {
  const digester = new BodyDigester(CHECKSUM_ALGORITHMS.filter((a) => sent[checksumHeader(a)] !== undefined));
  digester.update(data);
  const digests = digester.digest();
  verifyChecksums(digests, sent);
  return digests;
}

/**
 * S3's composite checksum of a multipart object: the algorithm over the concatenated binary checksums
 * of its parts, then `-N` (the same shape as the multipart ETag).
 */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partChecksums: string[]): string {
  const digester = running(algorithm);
  for (const c of partChecksums) digester.update(Buffer.from(c, 'base64'));
  return `${digester.digest()}-${partChecksums.length}`;
}
