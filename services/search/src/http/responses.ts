import type { ApiGatewayResult } from './lambdaEvents.js';

/** Search results and 404s may be cached briefly by the front door; what a write changes shows within seconds. */
export const SHORT_CACHE = 'public, max-age=5';
export const NO_STORE = 'no-store';

export function json(statusCode: number, body: unknown, cacheControl = NO_STORE, extra: Record<string, string> = {}): ApiGatewayResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': cacheControl, ...extra },
    body: JSON.stringify(body),
  };
}

/** Errors say what to do: `{message}` as API Gateway's own errors do. */
export function problem(statusCode: number, message: string, cacheControl = NO_STORE): ApiGatewayResult {
  return json(statusCode, { message }, cacheControl);
}

/** Headers are case-insensitive; API Gateway passes them as the client sent them. */
export function header(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}
