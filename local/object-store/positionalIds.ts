/**
 * Version ids and upload ids: opaque, URL-safe, 32 characters like S3's, that also carry their row's
 * position (seq). A listing marker naming a version or upload deleted since can then resume after it,
 * as S3 does, instead of being refused. A 4-byte check tells these ids from the random ones older
 * data directories hold.
 */
import { createHash, randomBytes } from 'node:crypto';

const SEQ_BYTES = 6;
const RANDOM_BYTES = 14;
const CHECK_BYTES = 4;
const BODY = SEQ_BYTES + RANDOM_BYTES;

function check(body: Buffer): Buffer {
  return createHash('sha256').update(body).digest().subarray(0, CHECK_BYTES);
}

export function positionalId(seq: number): string {
  const body = Buffer.alloc(BODY);
  body.writeUIntBE(seq, 0, SEQ_BYTES);
  randomBytes(RANDOM_BYTES).copy(body, SEQ_BYTES);
  return Buffer.concat([body, check(body)]).toString('base64url');
}

/** The seq an id was minted for, or undefined for ids this module did not mint. */
export function positionOf(id: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{32}$/.test(id)) return undefined;
  const bytes = Buffer.from(id, 'base64url');
  const body = bytes.subarray(0, BODY);
  if (!check(body).equals(bytes.subarray(BODY))) return undefined;
  return body.readUIntBE(0, SEQ_BYTES);
}
