import { createServer, request, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../http/freePort.js';
import { close, listen, readBody } from '../../http/server.js';
import { startFrontDoor, type FrontDoor } from '../frontDoor.js';
import { createResponseCache } from '../responseCache.js';

/*
 * The cache in front of real loopback servers playing a region: the region answers what the query asks
 * (`cc` its Cache-Control, `status`, `vary`) and counts what reaches it, so "a hit never reaches the
 * region" is counted where it happens.
 */
let region: Server;
let regionUrl: string;
let reached: string[] = [];
let frontDoor: FrontDoor;
const cache = createResponseCache();

beforeAll(async () => {
  const port = await freePort();
  region = createServer((req, res) => {
    void readBody(req, 1024 * 1024).then(() => {
      reached.push(`${req.method} ${req.url} key=${req.headers['idempotency-key'] ?? '-'}`);
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const headers: Record<string, string> = { 'content-type': 'text/plain', 'x-meridian-region': 'us-east-1' };
      if (query.get('cc')) headers['cache-control'] = query.get('cc')!;
      if (query.get('vary')) headers.vary = query.get('vary')!;
      res.writeHead(Number(query.get('status') ?? 200), headers);
      res.end(`answer ${reached.length} to ${req.method} ${req.url} lang=${req.headers['accept-language'] ?? '-'}`);
    });
  });
  await listen(region, port);
  regionUrl = `http://127.0.0.1:${port}`;
  frontDoor = await startFrontDoor({
    port: await freePort(),
    origins: { originsNearestFirst: () => [{ region: 'us-east-1', api: regionUrl, health: 'healthy' }] },
    cache,
  });
});

beforeEach(() => {
  reached = [];
  cache.invalidate(['/*']);
});

afterAll(async () => {
  await frontDoor?.close();
  if (region) await close(region);
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, frontDoor.url), { method, headers: body ? { ...headers, 'content-length': String(Buffer.byteLength(body)) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the front door caches like CloudFront', () => {
  it('answers a GET that allows it from the cache the second time, with age, and the region sees one request', async () => {
    const first = await send('GET', '/destinations/1?cc=public,+max-age=60');
    const second = await send('GET', '/destinations/1?cc=public,+max-age=60');
    expect(first.headers['x-cache']).toBe('Miss from cloudfront');
    expect(second.headers['x-cache']).toBe('Hit from cloudfront');
    expect(second.headers.age).toBe('0');
    expect(first.headers.age).toBeUndefined();
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe('text/plain');
    expect(second.headers['x-meridian-region']).toBe('us-east-1');
    expect(reached).toHaveLength(1);
  });

  it('answers HEAD from its own entry, without a body', async () => {
    await send('HEAD', '/h?cc=max-age=60');
    const again = await send('HEAD', '/h?cc=max-age=60');
    expect(again.headers['x-cache']).toBe('Hit from cloudfront');
    expect(again.body).toBe('');
    expect(reached).toHaveLength(1);
  });

  it.each([
    ['no-store', '/a?cc=no-store'],
    ['private', '/a?cc=private,+max-age=60'],
    ['no Cache-Control', '/a'],
    ['a 500 that says max-age', '/a?cc=max-age=60&status=500'],
    ['a 503', '/a?cc=max-age=60&status=503'],
  ])('sends every GET to the region when the answer is %s', async (_name, path) => {
    const replies = [await send('GET', path), await send('GET', path)];
    expect(replies.map((r) => r.headers['x-cache'])).toEqual(['Miss from cloudfront', 'Miss from cloudfront']);
    expect(reached).toHaveLength(2);
  });

  it('never caches a POST, and gives each command that lacks one an Idempotency-Key (keeping a client\'s own)', async () => {
    const body = '{"name":"Porto"}';
    const replies = [
      await send('POST', '/destinations?cc=max-age=60', { 'content-type': 'application/json' }, body),
      await send('POST', '/destinations?cc=max-age=60', { 'content-type': 'application/json' }, body),
      await send('POST', '/destinations?cc=max-age=60', { 'content-type': 'application/json', 'idempotency-key': 'client-key-1' }, body),
    ];
    expect(replies.map((r) => r.headers['x-cache'])).toEqual(['Miss from cloudfront', 'Miss from cloudfront', 'Miss from cloudfront']);
    expect(reached).toHaveLength(3);
    const keys = reached.map((line) => /key=(\S+)/.exec(line)![1]);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe('client-key-1');
    // A GET after the POSTs is not answered from anything a POST left.
    expect((await send('GET', '/destinations?cc=max-age=60')).headers['x-cache']).toBe('Miss from cloudfront');
  });

  it('keeps a variant per Vary\'d header', async () => {
    const path = '/v?cc=max-age=60&vary=Accept-Language';
    await send('GET', path, { 'accept-language': 'pt' });
    const en = await send('GET', path, { 'accept-language': 'en' });
    const pt = await send('GET', path, { 'accept-language': 'pt' });
    expect(en.headers['x-cache']).toBe('Miss from cloudfront');
    expect(pt.headers['x-cache']).toBe('Hit from cloudfront');
    expect(pt.body).toContain('lang=pt');
    expect(reached).toHaveLength(2);
  });

  it('asks the region again after an invalidation of the path', async () => {
    await send('GET', '/views/home?cc=max-age=60');
    expect((await send('GET', '/views/home?cc=max-age=60')).headers['x-cache']).toBe('Hit from cloudfront');
    cache.invalidate(['/views/*']);
    expect((await send('GET', '/views/home?cc=max-age=60')).headers['x-cache']).toBe('Miss from cloudfront');
    expect(reached).toHaveLength(2);
  });
});
