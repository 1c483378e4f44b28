import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { admitHost } from '../http/hostGuard.js';
import { close, listen, sendJson } from '../http/server.js';
import { forward } from './forward.js';
import type { OriginDirectory } from './originDirectory.js';

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
}

export interface FrontDoor {
  url: string;
  /** Stops listening and drops open connections: the port refuses at once. */
  close(): Promise<void>;
}

/**
 * The local front door (CloudFront → Route 53 latency routing with health checks) on 127.0.0.1:port:
 * each request goes to the nearest origin the directory calls healthy, and fails over per request.
 */
export async function startFrontDoor(opts: FrontDoorOptions): Promise<FrontDoor> {
  const log = opts.log ?? (() => {});
  const server = createServer((req, res) => {
    if (!admitHost(req, res, opts.allowedHosts)) return;
    serve(req, res, opts).catch((e: Error) => {
      log(e.stack ?? e.message);
      if (!res.headersSent) sendJson(res, 500, { message: 'internal error in the front door' });
      else res.destroy();
    });
  });
  await listen(server, opts.port, opts.host);
  return { url: `http://127.0.0.1:${opts.port}`, close: () => close(server) };
}

async function serve(req: IncomingMessage, res: ServerResponse, opts: FrontDoorOptions): Promise<void> {
  if (opts.answerLocally && (await opts.answerLocally(req, res))) return;
  await forward(req, res, opts.origins.originsNearestFirst());
}
