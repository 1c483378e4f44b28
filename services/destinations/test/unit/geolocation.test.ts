import { describe, expect, it } from 'vitest';
import { checkGeolocation } from '../../src/domain/geolocation.js';

describe('geolocation check', () => {
  it.each([
    [{ lat: 0, lon: 0 }],
    [{ lat: 90, lon: 180 }],
    [{ lat: -90, lon: -180 }],
    [{ lat: 41.1579, lon: -8.6291 }],
  ])('%j is a place on Earth', (location) => {
    expect(checkGeolocation(location)).toEqual({ valid: true });
  });

  it.each([
    [{ lat: 90.000001, lon: 0 }, /latitude/],
    [{ lat: -91, lon: 0 }, /latitude/],
    [{ lat: 0, lon: 180.5 }, /longitude/],
    [{ lat: 0, lon: -1000 }, /longitude/],
    [{ lat: NaN, lon: 0 }, /latitude is not a finite number/],
    [{ lat: 0, lon: Infinity }, /longitude is not a finite number/],
  ])('%j is not', (location, reason) => {
    const verdict = checkGeolocation(location);
    expect(verdict.valid).toBe(false);
    expect(verdict.valid ? '' : verdict.reason).toMatch(reason);
  });
});
