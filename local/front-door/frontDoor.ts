import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { admitHost } from '../http/hostGuard.js';
import { close, listen, sendJson } from '../http/server.js';
import { forward } from './forward.js';
import type { OriginDirectory } from './originDirectory.js';
import { createResponseCache, type ResponseCache } from './responseCache.js';
import { serveFromCache, X_CACHE } from './serveFromCache.js';

/**
 * Answers the requests the front door serves itself (the local cloud's control API); resolves false
 * for any it leaves to the regions. Errors it throws become a 500 from the front door.
 */
export type LocalAnswer = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface FrontDoorOptions {
  port: number;
  origins: OriginDirectory;
  answerLocally?: LocalAnswer;
  /** Where to bind (loopback unless the user says otherwise: config/meridian.yml network.bind). */
  host?: string;
  /** Names besides the loopback ones requests may carry in Host (network.allowedHosts). */
  allowedHosts?: readonly string[];
  log?: (line: string) => void;
  /**
   * The shared cache (responseCache.ts). The cloud makes it, so the control API's invalidations reach
   * it; without one the front door keeps its own; `false` caches nothing (the benchmark's baseline).
   */
  cache?: ResponseCache | false;
}

export interface FrontDoor {
  url: string;
  /** The cache in front of the regions (undefined when started with `cache: false`). */
  cache: ResponseCache | undefined;
  /** Stops listening and drops open connections: the port refuses at once. */
  close(): Promise<void>;
}

/**
 * The local front door (CloudFront → Route 53 latency routing with health checks) on 127.0.0.1:port:
 * each request goes to the nearest origin the directory calls healthy, and fails over per request.
 */
export async function startFrontDoor(opts: FrontDoorOptions): Promise<FrontDoor> {
  const log = opts.log ?? (() => {});
  const cache = opts.cache === false ? undefined : (opts.cache ?? createResponseCache());
  const server = createServer((req, res) => {
    if (!admitHost(req, res, opts.allowedHosts)) return;
    serve(req, res, opts, cache).catch((e: Error) => {
      log(e.stack ?? e.message);
      if (!res.headersSent) sendJson(res, 500, { message: 'internal error in the front door' });
      else res.destroy();
    });
  });
  await listen(server, opts.port, opts.host);
  return { url: `http://127.0.0.1:${opts.port}`, cache, close: () => close(server) };
}

const COMMANDS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function serve(req: IncomingMessage, res: ServerResponse, opts: FrontDoorOptions, cache: ResponseCache | undefined): Promise<void> {
  // Every answer says whether the cache gave it, as CloudFront's do; the control API's are never cached.
  res.setHeader('x-cache', X_CACHE.miss);
  if (opts.answerLocally && (await opts.answerLocally(req, res))) return;
  // A command the front door may send to a second region carries a key, so the regions store it once
  // (services honour Idempotency-Key); a key the client sent is kept as it is.
  if (COMMANDS.has(req.method ?? '') && req.headers['idempotency-key'] === undefined) req.headers['idempotency-key'] = crypto.randomUUID();
  const toRegion = () => forward(req, res, opts.origins.originsNearestFirst());
  await (cache ? serveFromCache(req, res, cache, toRegion) : toRegion());
}
