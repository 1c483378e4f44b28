import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendJson } from '../http/server.js';
import type { Origin } from './originDirectory.js';

// API Gateway's own payload limit.
export const MAX_BODY = 10 * 1024 * 1024;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);
/** Tests and drills say where the caller is: that region is its nearest, the others follow by latency rank. */
export const CLIENT_REGION_HEADER = 'x-meridian-client-region';
/** A region that has not accepted the connection by then is treated as one that refused it. */
export const CONNECT_TIMEOUT_MS = 1_000;
/** Methods whose 5xx is tried again at the next region (CloudFront's origin failover covers these too). */
const RETRY_ON_5XX = new Set(['GET', 'HEAD']);

/**
 * Connections to the regions are kept alive and reused, as CloudFront keeps its origin connections: a new
 * TCP connection per request cost half the front door's throughput. Free sockets do not keep the process up.
 */
const regionAgent = new Agent({ keepAlive: true, keepAliveMsecs: 1_000, maxSockets: 256, maxFreeSockets: 64, scheduling: 'lifo' });

/** An answer not relayed because the next region may do better (a GET or HEAD that got a 5xx). */
class RetryableAnswer extends Error {
  constructor(readonly status: number) {
    super(`answered ${status}`);
  }
}

/**
 * Sends a request to the nearest healthy origin (or the caller's own region first, when it says so). A
 * request that never reached a region (refused, reset before any answer, no connection within
 * CONNECT_TIMEOUT_MS) goes to the next healthy one whatever its method; a GET or HEAD also goes on after a
 * 5xx. The body is read whole first: it may have to be sent again.
 */
export async function forward(req: IncomingMessage, res: ServerResponse, originsNearestFirst: Origin[]): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY);
  } catch (e) {
    if (e instanceof BodyTooLargeError) return sendJson(res, 413, { message: e.message });
    throw e;
  }
  const ordered = nearestFor(req, originsNearestFirst);
  if (typeof ordered === 'string') return sendJson(res, 400, { message: ordered });
  const healthy = ordered.filter((o) => o.health === 'healthy');
  const tried: string[] = [];
  for (const [i, origin] of healthy.entries()) {
    const last = i === healthy.length - 1;
    try {
      await relay(req, body, res, origin, !last && RETRY_ON_5XX.has(req.method ?? 'GET'));
      return;
    } catch (e) {
      if (res.headersSent) return void res.destroy(); // failed mid-answer: too late to try elsewhere
      if (!(e instanceof RetryableAnswer) && !neverReached(e)) throw e;
      tried.push(origin.region);
    }
  }
  sendJson(res, 503, {
    message: tried.length === 0 ? 'no region is available' : `no region answered (tried ${tried.join(', ')})`,
  });
}

/** The origins in the order this caller should try them, or why the client-region header is refused. */
function nearestFor(req: IncomingMessage, origins: Origin[]): Origin[] | string {
  const wanted = req.headers[CLIENT_REGION_HEADER];
  if (wanted === undefined) return origins;
  const own = origins.find((o) => o.region === wanted);
  if (!own) return `${CLIENT_REGION_HEADER} names no region of this cloud ("${String(wanted)}"); regions: ${origins.map((o) => o.region).join(', ')}`;
  return [own, ...origins.filter((o) => o !== own)];
}

function relay(req: IncomingMessage, body: Buffer, res: ServerResponse, origin: Origin, retryOn5xx: boolean): Promise<void> {
  const target = new URL(req.url ?? '/', origin.api);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers.host = target.host;
  headers['content-length'] = String(body.length);
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const upstream = request(target, { method: req.method, headers, agent: regionAgent }, (answer) => {
      const status = answer.statusCode ?? 502;
      if (retryOn5xx && status >= 500) {
        answer.resume(); // drained, so the kept-alive connection can serve the next request
        return reject(new RetryableAnswer(status));
      }
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      res.writeHead(status, out);
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    upstream.on('socket', (socket) => {
      if (!socket.connecting) return; // a kept-alive connection: already there
      const timer = setTimeout(() => upstream.destroy(Object.assign(new Error(`no connection to ${origin.region} within ${CONNECT_TIMEOUT_MS} ms`), { code: 'ECONNTIMEOUT' })), CONNECT_TIMEOUT_MS);
      socket.once('connect', () => clearTimeout(timer));
      socket.once('close', () => clearTimeout(timer));
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/** The request never reached the region: nothing there can have acted on it. */
function neverReached(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'ECONNTIMEOUT' || code === 'EPIPE';
}
