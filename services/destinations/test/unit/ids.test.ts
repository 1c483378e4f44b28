import { describe, expect, it } from 'vitest';
import { derivedId, isId, newDestinationId, timeOrderedId } from '../../src/domain/ids.js';

describe('ids', () => {
  it('all are UUIDs of their version', () => {
    expect(newDestinationId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(timeOrderedId(Date.now())).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    expect(derivedId('ns', 'name')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab]/);
    for (const id of [newDestinationId(), timeOrderedId(1), derivedId('a', 'b')]) expect(isId(id)).toBe(true);
    expect(isId('not-an-id')).toBe(false);
    expect(isId(newDestinationId().toUpperCase())).toBe(false);
  });

  it('time-ordered ids sort by their milliseconds', () => {
    const ids = [5, 1_000, 1_700_000_000_000, 1_700_000_000_001].map(timeOrderedId);
    expect([...ids].sort()).toEqual(ids);
  });

  it('a derived id is the same for the same input and differs otherwise', () => {
    expect(derivedId('ns', 'e1')).toBe(derivedId('ns', 'e1'));
    expect(derivedId('ns', 'e1')).not.toBe(derivedId('ns', 'e2'));
    expect(derivedId('ns', 'e1')).not.toBe(derivedId('other', 'e1'));
  });
});
