import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, sendJson } from '../http/server.js';
import type { Origin } from './originDirectory.js';

// API Gateway's own payload limit.
export const MAX_BODY = 10 * 1024 * 1024;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/**
 * Sends a request to the nearest healthy origin; when one refuses the connection the same request goes
 * to the next, so a region that just went down (before its health says so) costs no failed request.
 * The body is read whole first: it has to be sent again on a retry.
 */
export async function forward(req: IncomingMessage, res: ServerResponse, originsNearestFirst: Origin[]): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY);
  } catch (e) {
    if (e instanceof BodyTooLargeError) return sendJson(res, 413, { message: e.message });
    throw e;
  }
  const tried: string[] = [];
  for (const origin of originsNearestFirst.filter((o) => o.health === 'healthy')) {
    try {
      await relay(req, body, res, origin);
      return;
    } catch (e) {
      if (res.headersSent) return void res.destroy(); // failed mid-answer: too late to try elsewhere
      if (!isUnreachable(e)) throw e;
      tried.push(origin.region);
    }
  }
  sendJson(res, 503, {
    message: tried.length === 0 ? 'no region is available' : `no region answered (tried ${tried.join(', ')})`,
  });
}

function relay(req: IncomingMessage, body: Buffer, res: ServerResponse, origin: Origin): Promise<void> {
  const target = new URL(req.url ?? '/', origin.api);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers.host = target.host;
  headers['content-length'] = String(body.length);
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const upstream = request(target, { method: req.method, headers }, (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function isUnreachable(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT';
}
