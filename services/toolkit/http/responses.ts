import type { APIGatewayProxyResult } from 'aws-lambda';

/**
 * One Cache-Control rule set for every API of every service (the front door caches what it allows):
 *  - a found read (200, or 304 for it): `public, max-age=5`. The front door and browsers may keep it
 *    five seconds, so a change shows everywhere within seconds while a burst of reads costs one call;
 *  - everything else: `no-store`, kept by no cache. Commands (202) must reach the service every
 *    time, and errors say something about this moment only. A 404 is one of them: cached, it would
 *    hide a destination (or a view) created a moment after someone asked for it.
 */
export const CACHE_CONTROL = { read: 'public, max-age=5', never: 'no-store' } as const;

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** API Gateway's proxy result with string headers (what these helpers make; tests read them as strings). */
export type ApiResult = APIGatewayProxyResult & { headers: Record<string, string> };

/** 200: what a read found, briefly cacheable. */
export function found(body: unknown): ApiResult {
  return json(200, body, CACHE_CONTROL.read);
}

/** 202: the command is stored; what follows from it shows within moments. */
export function accepted(body: unknown): ApiResult {
  return json(202, body, CACHE_CONTROL.never);
}

/** Every error answers {message}: what went wrong and, where it helps, what to do instead. Never cached. */
export function problem(statusCode: number, message: string, headers: Record<string, string> = {}): ApiResult {
  const result = json(statusCode, { message }, CACHE_CONTROL.never);
  return { ...result, headers: { ...result.headers, ...headers } };
}

function json(statusCode: number, body: unknown, cacheControl: string): ApiResult {
  return { statusCode, headers: { 'content-type': JSON_CONTENT_TYPE, 'cache-control': cacheControl }, body: JSON.stringify(body) };
}

/**
 * Every regional answer says which region served it (DESIGN's contract), on AWS as locally: API Gateway
 * adds nothing, so the service does.
 */
export function servedIn<T extends ApiResult>(region: string, result: T): T {
  return { ...result, headers: { ...result.headers, 'x-meridian-region': region } };
}
