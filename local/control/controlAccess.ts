import type { IncomingMessage } from 'node:http';
import { LOOPBACK_NAMES } from '../http/hostGuard.js';
import { CONTROL_TOKEN_HEADER, tokenMatches } from './controlToken.js';
import { RequestError } from './requestBody.js';

export interface ControlAccess {
  /** This start's token (local/control/controlToken.ts); the CLI reads it from the state dir. */
  token: string;
  /** The front door's port: the only origin a browser may send control requests from. */
  port: number;
  /** Names besides the loopback ones the user allowed (config/meridian.yml network.allowedHosts). */
  allowedHosts?: readonly string[];
}

/**
 * Why a control request is refused, or undefined when it may proceed. Any web page can make a browser
 * send a "simple" cross-site POST (text/plain, no preflight) to 127.0.0.1: the token stops it (a page
 * cannot read the token file), and a state change also needs JSON (which forces a preflight the control
 * API never grants) from no foreign Origin.
 */
export function controlAccessProblem(req: IncomingMessage, access: ControlAccess): RequestError | undefined {
  if (!tokenMatches(access.token, req.headers[CONTROL_TOKEN_HEADER])) {
    return new RequestError(401, `the control API needs this start's token in the ${CONTROL_TOKEN_HEADER} header: use \`npx meridian\`, which reads it from .meridian/control-token`);
  }
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined && !ownOrigins(access).includes(origin.toLowerCase())) {
    return new RequestError(403, `control requests are not accepted from ${origin}: only the CLI and the front door's own pages may change the local cloud`);
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    return new RequestError(415, `a control request that changes the local cloud must be sent as application/json (got ${type || 'no content type'})`);
  }
  return undefined;
}

function ownOrigins(access: ControlAccess): string[] {
  return [...LOOPBACK_NAMES, ...(access.allowedHosts ?? [])].map((name) => `http://${name}:${access.port}`);
}
