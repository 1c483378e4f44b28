import { describe, expect, it } from 'vitest';
import { isFromRegion, originOf, stampOrigin, type OriginRecord } from '../originFilter.js';

const record = (eventName: OriginRecord['eventName'], newImage?: Record<string, { S: string }>, oldImage?: Record<string, { S: string }>) => ({
  eventName,
  dynamodb: { ...(newImage ? { NewImage: newImage } : {}), ...(oldImage ? { OldImage: oldImage } : {}) },
});

describe('origin filter', () => {
  it('keeps a write stamped with this region and drops one stamped elsewhere', () => {
    const r = record('INSERT', { id: { S: '1' }, 'meridian:origin': { S: 'us-east-1' } });
    expect(isFromRegion(r, 'us-east-1')).toBe(true);
    expect(isFromRegion(r, 'us-west-2')).toBe(false);
  });

  it('reads aws:rep:updateregion first on legacy tables, whatever the stamp says', () => {
    const r = record('MODIFY', { 'aws:rep:updateregion': { S: 'us-west-2' }, 'meridian:origin': { S: 'us-east-1' } });
    expect(originOf(r.dynamodb.NewImage)).toBe('us-west-2');
    expect(isFromRegion(r, 'us-west-2')).toBe(true);
    expect(isFromRegion(r, 'us-east-1')).toBe(false);
  });

  it('ignores the record of a legacy table stamping aws:rep:* onto the origin item', () => {
    const written = { id: { S: '1' }, 'meridian:origin': { S: 'us-east-1' } };
    const stamped = { ...written, 'aws:rep:updateregion': { S: 'us-east-1' }, 'aws:rep:updatetime': { S: '1.5' } };
    expect(isFromRegion(record('MODIFY', stamped, written), 'us-east-1')).toBe(false);
    expect(isFromRegion(record('MODIFY', { ...stamped, name: { S: 'new' } }, stamped), 'us-east-1')).toBe(true);
  });

  it('publishes nothing for an unstamped write or a REMOVE', () => {
    expect(isFromRegion(record('INSERT', { id: { S: '1' } }), 'us-east-1')).toBe(false);
    expect(isFromRegion(record('REMOVE', undefined, { 'meridian:origin': { S: 'us-east-1' } }), 'us-east-1')).toBe(false);
  });

  it('stamps without changing the rest of the item', () => {
    expect(stampOrigin({ id: 'a', n: 1 }, 'us-east-1')).toEqual({ id: 'a', n: 1, 'meridian:origin': 'us-east-1' });
  });
});
