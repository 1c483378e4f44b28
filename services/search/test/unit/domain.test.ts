import { describe, expect, it } from 'vitest';
import { parseSearchRequest } from '../../src/app/searchRequest.js';
import { viewUrl } from '../../src/app/searchEndpoint.js';
import { parseView, viewChange } from '../../src/domain/destinationView.js';
import { idFromViewKey, isViewId, viewKey } from '../../src/domain/viewKeys.js';

describe('view keys', () => {
  it('map ids to destinations/<id>.json and back, and only plain ids', () => {
    expect(viewKey('3f2b7c1e-0000-4000-8000-000000000001')).toBe('destinations/3f2b7c1e-0000-4000-8000-000000000001.json');
    expect(idFromViewKey('destinations/abc.json')).toBe('abc');
    expect(idFromViewKey('destinations/a/b.json')).toBeUndefined();
    expect(idFromViewKey('other/abc.json')).toBeUndefined();
    for (const bad of ['', '..', '../x', 'a/b', 'a..b', '.x', '-x', 'x y', 'x\u0000', 'é', 'x'.repeat(129)]) {
      expect(isViewId(bad), bad).toBe(false);
      expect(() => viewKey(bad)).toThrow(/not a destination id/);
    }
    for (const good of ['a', 'A-b_c.d', 'x'.repeat(128)]) expect(isViewId(good), good).toBe(true);
  });
});

describe('a read-model change → a view change', () => {
  const item = { id: 'x', name: 'X', status: 'pending', updatedAt: 't1', updatedIn: 'us-east-1', removed: false, lastEventAt: 1, eventCount: 1, 'meridian:origin': 'us-east-1' };
  it('writes what readers see and nothing of the storage fields', () => {
    expect(viewChange(item, undefined)).toEqual({ kind: 'put', view: { id: 'x', name: 'X', status: 'pending', updatedAt: 't1', updatedIn: 'us-east-1' } });
  });
  it('leaves the view alone when only the version changed, deletes on a tombstone once', () => {
    expect(viewChange({ ...item, eventCount: 2 }, item)).toEqual({ kind: 'unchanged' });
    expect(viewChange({ ...item, removed: true }, item)).toEqual({ kind: 'delete', id: 'x' });
    expect(viewChange({ ...item, removed: true }, { ...item, removed: true })).toEqual({ kind: 'unchanged' });
    expect(viewChange({ ...item, removed: true }, undefined)).toEqual({ kind: 'delete', id: 'x' });
  });
  it('reads a stored view back, and refuses bytes that are not one', () => {
    expect(parseView('{"id":"x","name":"X","status":"pending","updatedAt":"t","updatedIn":"r","extra":1}')).toEqual({ id: 'x', name: 'X', status: 'pending', updatedAt: 't', updatedIn: 'r' });
    expect(parseView('{"name":"no id"}')).toBeUndefined();
    expect(parseView('nope')).toBeUndefined();
  });
});

describe('GET /search parameters', () => {
  it('trims q, turns control characters into spaces, defaults size to 10', () => {
    expect(parseSearchRequest({ q: '  paris\u0000lyon ' })).toEqual({ ok: true, text: 'paris lyon', size: 10 });
    expect(parseSearchRequest({ q: 'a', size: '100' })).toEqual({ ok: true, text: 'a', size: 100 });
    expect(parseSearchRequest({ q: 'a', size: '101' }).ok).toBe(false);
    expect(parseSearchRequest({ q: '東'.repeat(256) }).ok).toBe(true);
    expect(parseSearchRequest({ q: '東'.repeat(257) }).ok).toBe(false);
  });
  it('links results through the front door, ids encoded', () => {
    expect(viewUrl('http://127.0.0.1:4000/', 'a b')).toBe('http://127.0.0.1:4000/views/destinations/a%20b');
  });
});
