import { describe, expect, it } from 'vitest';
import { checkProposal, checkUpdate, roundCoordinate } from '../../src/domain/commandInput.js';

const message = (r: { ok: boolean; message?: string }) => (r.ok ? undefined : r.message);

describe('command input', () => {
  it('accepts a full proposal and trims the text', () => {
    expect(checkProposal({ name: '  Porto ', description: 'by the river\n', location: { lat: 41.1579, lon: -8.6291 } })).toEqual({
      ok: true,
      value: { name: 'Porto', description: 'by the river', location: { lat: 41.1579, lon: -8.6291 } },
    });
    expect(checkProposal({ name: 'P' })).toEqual({ ok: true, value: { name: 'P' } });
  });

  it('counts characters, not UTF-16 units: 200 emoji are a valid name, 201 are not', () => {
    expect(checkProposal({ name: '🧭'.repeat(200) }).ok).toBe(true);
    expect(message(checkProposal({ name: '🧭'.repeat(201) }))).toMatch(/name must be a string of 1 to 200 characters/);
    expect(checkProposal({ name: 'x', description: 'é'.repeat(2000) }).ok).toBe(true);
    expect(checkProposal({ name: 'x', description: 'é'.repeat(2001) }).ok).toBe(false);
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    ['Porto', /JSON object/],
    [{}, /name is required/],
    [{ name: '' }, /1 to 200/],
    [{ name: '   ' }, /1 to 200/],
    [{ name: 42 }, /name must be a string/],
    [{ name: 'a\u0000b' }, /control characters/],
    [{ name: 'a\nb' }, /control characters/],
    [{ name: '\ud800' }, /valid Unicode/],
    [{ name: 'x', description: 7 }, /description must be a string/],
    [{ name: 'x', description: 'a\u0007' }, /other than line breaks/],
    [{ name: 'x', nmae: 'typo' }, /unknown field "nmae"; allowed: name, description, location/],
    [{ name: 'x', location: [1, 2] }, /location must be/],
    [{ name: 'x', location: { lat: 1 } }, /location.lon must be a number/],
    [{ name: 'x', location: { lat: '41', lon: 2 } }, /location.lat must be a number/],
    [{ name: 'x', location: { lat: 1, lon: 2, alt: 3 } }, /unknown field "alt"/],
    [{ name: 'x', location: { lat: 1e300, lon: 2 } }, /finite number between/],
    [{ name: 'x', location: { lat: Infinity, lon: 2 } }, /finite number/],
    [{ name: 'x', location: null }, /location must be/],
  ])('rejects %j', (body, reason) => {
    const checked = checkProposal(body);
    expect(checked.ok).toBe(false);
    expect(message(checked)).toMatch(reason);
  });

  it('never echoes a long unknown field name in full', () => {
    const long = 'k'.repeat(5_000);
    expect(message(checkProposal({ name: 'x', [long]: 1 }))!.length).toBeLessThan(120);
  });

  it('lets impossible but bounded coordinates through: the validator decides', () => {
    expect(checkProposal({ name: 'x', location: { lat: 95, lon: -200 } })).toMatchObject({ ok: true, value: { location: { lat: 95, lon: -200 } } });
  });

  it('rounds coordinates to 9 decimals, so DynamoDB stores every accepted value exactly', () => {
    expect(roundCoordinate(1e-200)).toBe(0);
    expect(Object.is(roundCoordinate(-1e-12), 0)).toBe(true);
    expect(roundCoordinate(38.7223)).toBe(38.7223);
    expect(roundCoordinate(-9.123456789123)).toBe(-9.123456789);
  });

  it('an update needs at least one known field, each checked like a proposal', () => {
    expect(checkUpdate({ description: '' })).toEqual({ ok: true, value: { description: '' } });
    expect(message(checkUpdate({}))).toMatch(/at least one of name, description, location/);
    expect(message(checkUpdate({ name: '' }))).toMatch(/1 to 200/);
    expect(message(checkUpdate({ id: 'x' }))).toMatch(/unknown field "id"/);
  });
});
