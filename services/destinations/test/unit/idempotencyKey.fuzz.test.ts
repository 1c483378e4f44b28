/**
 * Property tests for the Idempotency-Key parser: any string a
 * client can send gets a verdict, never a throw, and only keys of the documented shape pass.
 * Seeded, so a failure reproduces; bounded, so the suite stays fast.
 */
import { describe, expect, it } from 'vitest';
import { checkIdempotencyKey, keyScope, MAX_KEY_LENGTH } from '../../src/domain/idempotencyKey.js';

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

const ALLOWED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:~+/=-';
const HOSTILE = ['\u0000', '\n', '\r', ' ', '"', "'", '<', '>', '\\', ';', ',', '%', 'é', '\u202e', '😀', '\uD800'];

describe('checkIdempotencyKey on arbitrary input', () => {
  it('accepts exactly the keys of 1-128 allowed characters and refuses the rest with a message', () => {
    const random = rng(11);
    for (let run = 0; run < 2_000; run++) {
      const length = Math.floor(random(MAX_KEY_LENGTH + 40));
      let key = '';
      for (let i = 0; i < length; i++) {
        key += random(10) < 9 ? ALLOWED[Math.floor(random(ALLOWED.length))] : HOSTILE[Math.floor(random(HOSTILE.length))];
      }
      const verdict = checkIdempotencyKey(key);
      const valid = key.length >= 1 && key.length <= MAX_KEY_LENGTH && [...key].every((c) => ALLOWED.includes(c));
      expect(verdict.ok, JSON.stringify(key)).toBe(valid);
      if (!verdict.ok) {
        expect(verdict.message).toMatch(/Idempotency-Key/);
        // The reason never echoes the key (it may be anything).
        if (key.length > 3) expect(verdict.message).not.toContain(key);
      }
    }
  });

  it('scopes are fixed-size hashes that differ by caller and by key', () => {
    const random = rng(12);
    const seen = new Set<string>();
    for (let run = 0; run < 500; run++) {
      const key = Array.from({ length: 1 + Math.floor(random(40)) }, () => ALLOWED[Math.floor(random(ALLOWED.length))]).join('');
      for (const caller of ['anonymous', 'alice']) {
        const scope = keyScope(caller, key);
        expect(scope).toMatch(/^[0-9a-f]{64}$/);
        seen.add(`${caller}\0${key}=>${scope}`);
      }
    }
    const scopes = [...seen].map((s) => s.split('=>')[1]);
    expect(new Set(scopes).size).toBe(seen.size);
  });
});
