import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RouteMatch } from './apiRoutes.js';

/** API Gateway's REST API proxy integration event (payload format 1.0). */
export interface ProxyEvent {
  resource: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string> | null;
  multiValueHeaders: Record<string, string[]> | null;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: Record<string, string> | null;
  stageVariables: null;
  requestContext: {
    accountId: string;
    apiId: string;
    resourcePath: string;
    httpMethod: string;
    path: string;
    stage: string;
    requestId: string;
    requestTimeEpoch: number;
    protocol: string;
    domainName: string;
    identity: { sourceIp: string; userAgent: string | null };
  };
  body: string | null;
  isBase64Encoded: boolean;
}

export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  body: Buffer;
}

const TEXT = /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript|[\w.+-]+\+json|[\w.+-]+\+xml))/i;

export function toProxyEvent(req: IncomingMessage, body: Buffer, match: RouteMatch, ctx: { accountId: string; stage: string }): ProxyEvent {
  const url = new URL(req.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    const value = req.rawHeaders[i + 1]!;
    headers[name] = value; // the last value wins, as API Gateway does
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }
  const contentType = String(req.headers['content-type'] ?? '');
  const binary = body.length > 0 && contentType !== '' && !TEXT.test(contentType);
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: match.route.path,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers: req.rawHeaders.length ? headers : null,
    multiValueHeaders: req.rawHeaders.length ? multiValueHeaders : null,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: match.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: ctx.accountId,
      apiId: 'local',
      resourcePath: match.route.path,
      httpMethod: req.method ?? 'GET',
      path: `/${ctx.stage}${url.pathname}`,
      stage: ctx.stage,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      protocol: `HTTP/${req.httpVersion}`,
      domainName: String(req.headers.host ?? '127.0.0.1'),
      identity: { sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: req.headers['user-agent'] ?? null },
    },
    body: body.length === 0 ? null : binary ? body.toString('base64') : body.toString('utf8'),
    isBase64Encoded: binary,
  };
}

/** Reads what a handler returned as API Gateway does; anything malformed is API Gateway's 502. */
export function fromProxyResult(result: unknown): ProxyResult | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  const r = result as Record<string, unknown>;
  const statusCode = Number(r.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  if (r.body !== undefined && r.body !== null && typeof r.body !== 'string') return undefined;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((r.headers ?? {}) as Record<string, unknown>)) headers[k] = String(v);
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [k, v] of Object.entries((r.multiValueHeaders ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(v)) multiValueHeaders[k] = v.map(String);
  }
  const text = typeof r.body === 'string' ? r.body : '';
  return { statusCode, headers, multiValueHeaders, body: r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') };
}
