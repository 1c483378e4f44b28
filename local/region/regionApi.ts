import { admitHost } from '../http/hostGuard.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendJson } from '../http/server.js';
import type { ApiRoutes } from './apiRoutes.js';
import { fromProxyResult, toProxyEvent } from './proxyEvent.js';

/** API Gateway's limits: a 10 MB payload, and 29 s for the integration to answer. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const INTEGRATION_TIMEOUT_MS = 29_000;

export interface RegionApiOptions {
  region: string;
  accountId: string;
  stage: string;
  routes: ApiRoutes;
  invoke(functionName: string, event: unknown): Promise<unknown>;
  log(line: string): void;
  /** Names besides the loopback ones this endpoint answers to (config/meridian.yml network.allowedHosts). */
  allowedHosts?: readonly string[];
}

/**
 * The region's API endpoint: API Gateway REST proxy integrations for every deployed `http` event, plus
 * the region's own health path. Every response says which region served it.
 */
export function createRegionApi(opts: RegionApiOptions): Server {
  return createServer((req, res) => {
    if (!admitHost(req, res, opts.allowedHosts)) return;
    res.setHeader('x-meridian-region', opts.region);
    handle(req, res, opts).catch((e: Error) => {
      opts.log(`[api] ${e.stack ?? e.message}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'internal error in the local API' });
      else res.destroy();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: RegionApiOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  if (req.method === 'GET' && path === '/_meridian/health') {
    return sendJson(res, 200, { region: opts.region, status: 'ok', timestamp: new Date().toISOString() }, { 'cache-control': 'no-cache, no-store, must-revalidate' });
  }
  const match = opts.routes.match(req.method ?? 'GET', path);
  if (!match) return sendJson(res, 404, { message: `no route for ${req.method} ${path} in ${opts.region}` });

  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLargeError) return sendJson(res, 413, { message: `request body over API Gateway's ${MAX_BODY_BYTES / 1024 / 1024} MB limit` }, { connection: 'close' });
    throw e;
  }
  const event = toProxyEvent(req, body, match, { accountId: opts.accountId, stage: opts.stage });
  let result: unknown;
  try {
    result = await withTimeout(opts.invoke(match.route.functionName, event), INTEGRATION_TIMEOUT_MS);
  } catch (e) {
    if (e instanceof IntegrationTimeout) return sendJson(res, 504, { message: 'Endpoint request timed out' });
    // API Gateway hides the error from the caller; the log shows it.
    opts.log(`[api] ${match.route.functionName} failed on ${req.method} ${path}: ${(e as Error).message}`);
    return sendJson(res, 502, { message: 'Internal server error' });
  }
  const response = fromProxyResult(result);
  if (!response) {
    opts.log(`[api] ${match.route.functionName} returned no {statusCode, body} on ${req.method} ${path}`);
    return sendJson(res, 502, { message: 'Internal server error' });
  }
  for (const [k, v] of Object.entries(response.multiValueHeaders)) res.setHeader(k, v);
  for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
  res.setHeader('x-meridian-region', opts.region);
  res.statusCode = response.statusCode;
  res.end(response.body);
}

class IntegrationTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new IntegrationTimeout()), ms);
    }),
  ]);
}
