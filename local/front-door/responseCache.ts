import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * The front door's shared cache, as CloudFront keeps one (RFC 9111 for a shared cache):
 *  - only GET and HEAD, never a request with Range or Authorization (unless the answer says `public` or
 *    `s-maxage`), never an answer that sets a cookie;
 *  - only statuses cacheable by default (RFC 9110 §15.1) and never one ≥ 500, whatever its headers say;
 *  - for as long as `s-maxage`, else `max-age`, allows (less the `age` the answer arrived with); an answer
 *    without either is not kept (CloudFront with a default TTL of 0, as the AWS front door's API
 *    behaviours are set), nor one with `no-store`, `private` or `no-cache` (this cache does not revalidate,
 *    so "revalidate every time" is "ask the region every time");
 *  - keyed by method, path and query, and by the request headers the answer's `Vary` names (`Vary: *`:
 *    not kept);
 *  - bounded in entries and bytes, least recently used out first; an answer over `maxEntryBytes` is not kept.
 */
export interface ResponseCacheOptions {
  maxEntries?: number;
  maxBytes?: number;
  maxEntryBytes?: number;
  /** Epoch ms; tests pass their own clock. */
  now?: () => number;
}

export interface CacheRequest {
  method: string;
  /** Path and query, as the request line has them. */
  url: string;
  headers: IncomingHttpHeaders;
}

export interface Answer {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

export interface CachedAnswer extends Answer {
  /** Seconds since the origin made it (its own `age` plus the time kept here), for the `age` header. */
  ageSeconds: number;
}

export interface ResponseCache {
  lookup(req: CacheRequest): CachedAnswer | undefined;
  /** Keeps the answer when its request and headers allow; true when kept. */
  store(req: CacheRequest, answer: Answer): boolean;
  /** Drops what the paths name (CloudFront's rules: exact path, or a prefix ending in `*`); the number dropped. */
  invalidate(paths: readonly string[]): number;
  readonly size: { entries: number; bytes: number };
  /** The largest answer kept (body and headers): a recorder stops copying past it. */
  readonly maxEntryBytes: number;
}

/** Cacheable by default (RFC 9110 §15.1), less the 5xx (501) that a front door never keeps. */
const CACHEABLE_STATUS = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414]);
const CACHEABLE_METHOD = new Set(['GET', 'HEAD']);

interface Entry {
  key: string;
  path: string;
  /** The request headers `Vary` named, lower-case, and the values this answer was made for. */
  vary: [string, string][];
  answer: Answer;
  storedAt: number;
  expiresAt: number;
  initialAge: number;
  bytes: number;
}

export function createResponseCache(opts: ResponseCacheOptions = {}): ResponseCache {
  const maxEntries = opts.maxEntries ?? 1_000;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const maxEntryBytes = opts.maxEntryBytes ?? Math.min(1024 * 1024, maxBytes);
  const now = opts.now ?? Date.now;
  // Map keeps insertion order: re-inserting on every hit makes the first key the least recently used.
  const entries = new Map<string, Entry>();
  // The ids of each URL's variants (one per Vary'd header values), so a lookup reads only those.
  const variants = new Map<string, Set<string>>();
  let bytes = 0;

  const drop = (id: string, entry: Entry) => {
    entries.delete(id);
    bytes -= entry.bytes;
    const ids = variants.get(entry.key);
    ids?.delete(id);
    if (ids?.size === 0) variants.delete(entry.key);
  };

  return {
    lookup(req) {
      if (!requestMayUseCache(req)) return undefined;
      for (const id of variants.get(primaryKey(req)) ?? []) {
        const entry = entries.get(id)!;
        if (!entry.vary.every(([name, value]) => headerValue(req.headers, name) === value)) continue;
        if (now() >= entry.expiresAt) {
          drop(id, entry);
          return undefined;
        }
        entries.delete(id);
        entries.set(id, entry);
        return { ...entry.answer, ageSeconds: entry.initialAge + Math.floor((now() - entry.storedAt) / 1000) };
      }
      return undefined;
    },

    store(req, answer) {
      if (!requestMayUseCache(req) || !CACHEABLE_STATUS.has(answer.status) || answer.headers['set-cookie'] !== undefined) return false;
      const lifetime = freshnessSeconds(headerText(answer.headers['cache-control']), req.headers.authorization !== undefined);
      const initialAge = Math.max(0, Number.parseInt(headerText(answer.headers.age) || '0', 10) || 0);
      if (lifetime === undefined || lifetime <= initialAge) return false;
      const varyNames = headerText(answer.headers.vary).split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
      if (varyNames.includes('*')) return false;
      const size = answer.body.length + JSON.stringify(answer.headers).length;
      if (size > maxEntryBytes) return false;
      const vary = varyNames.sort().map((name): [string, string] => [name, headerValue(req.headers, name)]);
      const key = primaryKey(req);
      const id = `${key}\n${JSON.stringify(vary)}`;
      const old = entries.get(id);
      if (old) drop(id, old);
      const at = now();
      variants.set(key, (variants.get(key) ?? new Set()).add(id));
      entries.set(id, { key, path: pathOf(req.url), vary, answer, storedAt: at, expiresAt: at + (lifetime - initialAge) * 1000, initialAge, bytes: size });
      bytes += size;
      for (const [oldest, entry] of entries) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        drop(oldest, entry);
      }
      return true;
    },

    invalidate(paths) {
      let dropped = 0;
      for (const [id, entry] of entries) {
        if (paths.some((p) => matchesInvalidation(p, entry))) {
          drop(id, entry);
          dropped++;
        }
      }
      return dropped;
    },

    get size() {
      return { entries: entries.size, bytes };
    },
    maxEntryBytes,
  };
}

/**
 * CloudFront's invalidation paths: `/a/b` drops that path (with every query string: more than CloudFront
 * promises, never less), `/a/*` everything whose path and query start with `/a/`, `/*` everything.
 */
function matchesInvalidation(path: string, entry: Entry): boolean {
  if (path.endsWith('*')) return entry.key.slice(entry.key.indexOf(' ') + 1).startsWith(path.slice(0, -1));
  return entry.path === path;
}

function requestMayUseCache(req: CacheRequest): boolean {
  return CACHEABLE_METHOD.has(req.method.toUpperCase()) && req.headers.range === undefined;
}

/** How long a shared cache may keep the answer, in seconds; undefined: not at all. */
export function freshnessSeconds(cacheControl: string, authorized: boolean): number | undefined {
  const directives = new Map<string, string | undefined>();
  for (const part of cacheControl.split(',')) {
    const [name, ...value] = part.trim().split('=');
    if (name) directives.set(name.toLowerCase(), value.length > 0 ? value.join('=').replace(/^"|"$/g, '') : undefined);
  }
  if (directives.has('no-store') || directives.has('private') || directives.has('no-cache')) return undefined;
  // A shared cache keeps an answer to an authorized request only when the answer says so (RFC 9111 §3.5).
  if (authorized && !directives.has('public') && !directives.has('s-maxage') && !directives.has('must-revalidate')) return undefined;
  const seconds = (name: string) => {
    const value = directives.get(name);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  return seconds('s-maxage') ?? seconds('max-age');
}

function primaryKey(req: CacheRequest): string {
  // HEAD is kept apart from GET: its answer has no body to serve a GET with.
  return `${req.method.toUpperCase()} ${req.url}`;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  return headerText(headers[name]);
}

function headerText(value: string | string[] | number | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}
