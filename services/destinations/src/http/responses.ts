import type { ApiGatewayProxyResult } from './apiGateway.js';

/*
 * Cache-Control as the book sets it (seed notes §7, B:14043): commands are never cached; a read
 * may be cached briefly by the front door; a miss is not cached at all, so a destination created a
 * moment ago is not hidden behind a cached 404.
 */
export const NO_STORE = 'no-cache, no-store, must-revalidate';
export const SHORT_CACHE = 'max-age=5';

export function json(statusCode: number, body: unknown, cacheControl = NO_STORE): ApiGatewayProxyResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': cacheControl },
    body: JSON.stringify(body),
  };
}

/** Every error answers {message}: what went wrong and, where it helps, what to do instead. */
export function problem(statusCode: number, message: string, headers: Record<string, string> = {}): ApiGatewayProxyResult {
  const result = json(statusCode, { message });
  return { ...result, headers: { ...result.headers, ...headers } };
}
