import { describe, expect, it } from 'vitest';
import { createResponseCache, freshnessSeconds, type Answer, type CacheRequest } from '../responseCache.js';

const get = (url: string, headers: CacheRequest['headers'] = {}): CacheRequest => ({ method: 'GET', url, headers });
const answer = (cacheControl: string | undefined, extra: Answer['headers'] = {}, status = 200, body = 'hello'): Answer => ({
  status,
  headers: { 'content-type': 'text/plain', ...(cacheControl === undefined ? {} : { 'cache-control': cacheControl }), ...extra },
  body: Buffer.from(body),
});

function clock() {
  let ms = 1_700_000_000_000;
  return { now: () => ms, advance: (by: number) => (ms += by) };
}

describe('freshness from Cache-Control (a shared cache)', () => {
  it.each([
    ['public, max-age=5', 5],
    ['max-age=5, s-maxage=60', 60],
    ['s-maxage=0, max-age=60', 0],
    ['max-age="7"', 7],
    ['no-store, max-age=60', undefined],
    ['private, max-age=60', undefined],
    ['no-cache, max-age=60', undefined],
    ['max-age=abc', undefined],
    ['', undefined],
    ['must-revalidate', undefined],
  ])('%j → %s', (header, seconds) => {
    expect(freshnessSeconds(header, false)).toBe(seconds);
  });

  it('keeps an answer to an authorized request only when it says public or s-maxage', () => {
    expect(freshnessSeconds('max-age=60', true)).toBeUndefined();
    expect(freshnessSeconds('public, max-age=60', true)).toBe(60);
    expect(freshnessSeconds('s-maxage=30', true)).toBe(30);
  });
});

describe('the response cache', () => {
  it('serves a kept answer until it is stale, with its age', () => {
    const t = clock();
    const cache = createResponseCache({ now: t.now });
    expect(cache.store(get('/a?x=1'), answer('max-age=5'))).toBe(true);
    t.advance(2_500);
    expect(cache.lookup(get('/a?x=1'))).toMatchObject({ status: 200, ageSeconds: 2, body: Buffer.from('hello') });
    expect(cache.lookup(get('/a?x=2'))).toBeUndefined();
    expect(cache.lookup({ ...get('/a?x=1'), method: 'HEAD' })).toBeUndefined();
    t.advance(2_500);
    expect(cache.lookup(get('/a?x=1'))).toBeUndefined();
    expect(cache.size.entries).toBe(0);
  });

  it('counts the age the answer arrived with against its lifetime', () => {
    const t = clock();
    const cache = createResponseCache({ now: t.now });
    expect(cache.store(get('/a'), answer('max-age=5', { age: '5' }))).toBe(false);
    cache.store(get('/a'), answer('max-age=5', { age: '3' }));
    expect(cache.lookup(get('/a'))?.ageSeconds).toBe(3);
    t.advance(2_000);
    expect(cache.lookup(get('/a'))).toBeUndefined();
  });

  it.each([
    ['a POST', { method: 'POST', url: '/a', headers: {} }, answer('max-age=60')],
    ['a range request', get('/a', { range: 'bytes=0-1' }), answer('max-age=60')],
    ['a 500 however cacheable it says it is', get('/a'), answer('max-age=60', {}, 500)],
    ['a 503', get('/a'), answer('max-age=60', {}, 503)],
    ['a 202', get('/a'), answer('max-age=60', {}, 202)],
    ['an answer without freshness', get('/a'), answer(undefined)],
    ['no-store', get('/a'), answer('no-store')],
    ['an answer that sets a cookie', get('/a'), answer('max-age=60', { 'set-cookie': 'a=b' })],
    ['Vary: *', get('/a'), answer('max-age=60', { vary: '*' })],
  ])('never keeps %s', (_name, request, response) => {
    const cache = createResponseCache();
    expect(cache.store(request, response)).toBe(false);
    expect(cache.lookup(request)).toBeUndefined();
  });

  it('keeps a 404 and a 301 when their headers allow', () => {
    const cache = createResponseCache();
    expect(cache.store(get('/gone'), answer('max-age=60', {}, 404))).toBe(true);
    expect(cache.store(get('/moved'), answer('max-age=60', { location: '/b' }, 301))).toBe(true);
  });

  it('keeps one variant per value of the headers Vary names', () => {
    const cache = createResponseCache();
    cache.store(get('/a', { 'accept-language': 'pt' }), answer('max-age=60', { vary: 'Accept-Language' }, 200, 'olá'));
    cache.store(get('/a', { 'accept-language': 'en' }), answer('max-age=60', { vary: 'Accept-Language' }, 200, 'hello'));
    expect(cache.lookup(get('/a', { 'accept-language': 'pt' }))?.body.toString()).toBe('olá');
    expect(cache.lookup(get('/a', { 'accept-language': 'en' }))?.body.toString()).toBe('hello');
    expect(cache.lookup(get('/a', { 'accept-language': 'fr' }))).toBeUndefined();
    expect(cache.lookup(get('/a'))).toBeUndefined();
  });

  it('drops the least recently used first, by entries and by bytes', () => {
    const cache = createResponseCache({ maxEntries: 2 });
    cache.store(get('/1'), answer('max-age=60'));
    cache.store(get('/2'), answer('max-age=60'));
    cache.lookup(get('/1'));
    cache.store(get('/3'), answer('max-age=60'));
    expect([cache.lookup(get('/1')), cache.lookup(get('/2')), cache.lookup(get('/3'))].map(Boolean)).toEqual([true, false, true]);

    const small = createResponseCache({ maxBytes: 1_000, maxEntryBytes: 600 });
    small.store(get('/x'), answer('max-age=60', {}, 200, 'x'.repeat(500)));
    small.store(get('/y'), answer('max-age=60', {}, 200, 'y'.repeat(500)));
    expect(small.lookup(get('/x'))).toBeUndefined();
    expect(small.lookup(get('/y'))).toBeDefined();
    expect(small.size.bytes).toBeLessThanOrEqual(1_000);
    expect(small.store(get('/z'), answer('max-age=60', {}, 200, 'z'.repeat(700)))).toBe(false);
  });

  it('invalidates an exact path (every query string) or a prefix ending in *', () => {
    const cache = createResponseCache();
    for (const url of ['/views/home', '/views/home?page=2', '/views/list', '/destinations/1', '/']) cache.store(get(url), answer('max-age=60'));
    expect(cache.invalidate(['/views/home'])).toBe(2);
    expect(cache.lookup(get('/views/list'))).toBeDefined();
    expect(cache.invalidate(['/views/*'])).toBe(1);
    expect(cache.invalidate(['/nothing'])).toBe(0);
    expect(cache.invalidate(['/*'])).toBe(2);
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });
});
