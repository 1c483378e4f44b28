import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { CacheRequest, ResponseCache } from './responseCache.js';

/** CloudFront's words in `x-cache`, so a client or test reads the local front door as it reads AWS's. */
export const X_CACHE = { hit: 'Hit from cloudfront', miss: 'Miss from cloudfront' } as const;

/** Headers that describe this answer's trip, not the stored answer: made afresh on every hit. */
const PER_ANSWER = new Set(['x-cache', 'age', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * Answers from the cache when it holds a fresh answer (`x-cache: Hit from cloudfront`, `age`); otherwise
 * runs `fromOrigin` (forwarding to a region) with `x-cache: Miss from cloudfront` and, for a GET or HEAD,
 * copies the answer as it streams to the client, offering it to the cache once it has ended whole.
 */
export async function serveFromCache(req: IncomingMessage, res: ServerResponse, cache: ResponseCache, fromOrigin: () => Promise<void>): Promise<void> {
  const request: CacheRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
  const hit = cache.lookup(request);
  if (hit) {
    res.writeHead(hit.status, { ...hit.headers, age: String(hit.ageSeconds), 'x-cache': X_CACHE.hit });
    res.end(request.method.toUpperCase() === 'HEAD' ? undefined : hit.body);
    return;
  }
  res.setHeader('x-cache', X_CACHE.miss);
  if (request.method === 'GET' || request.method === 'HEAD') recordInto(res, cache.maxEntryBytes, (body) => {
    cache.store(request, { status: res.statusCode, headers: storedHeaders(res.getHeaders()), body });
  });
  await fromOrigin();
}

/**
 * Copies what is written to `res` (Node's own write/end, as compression middleware does) and hands the
 * body over when the answer ends; gives up copying past `limit` bytes. An answer destroyed midway
 * (the region failed while answering) never ends, so it is never offered.
 */
function recordInto(res: ServerResponse, limit: number, ended: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const copy = (chunk: unknown, encoding: unknown) => {
    if (size > limit || chunk === undefined || chunk === null || typeof chunk === 'function') return;
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk)
        : Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    size += buffer.length;
    if (size <= limit) chunks.push(buffer);
  };
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.write = ((...args: unknown[]) => {
    copy(args[0], args[1]);
    return write(...args);
  }) as ServerResponse['write'];
  res.end = ((...args: unknown[]) => {
    copy(args[0], args[1]);
    const out = end(...args);
    if (size <= limit) ended(Buffer.concat(chunks));
    return out;
  }) as ServerResponse['end'];
}

function storedHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name, value]) => value !== undefined && !PER_ANSWER.has(name)));
}
