import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/*
 * Any web page a developer visits can make their browser send requests to 127.0.0.1. Two defences, as
 * dev servers people trust have them (webpack-dev-server's allowedHosts): a request must name this
 * machine's loopback on the server's own port in its Host header, which a DNS-rebinding page cannot
 * (its requests carry the attacker's name), and cross-site control is refused elsewhere (local/control).
 */

/** Names every local endpoint answers to, besides those the user lists (`allowedHosts` in config/meridian.yml). */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

export interface HostRule {
  /** The port the request arrived on: a Host naming another port was meant for something else. */
  port: number;
  /** Extra names (lower case, without port) the user allowed. */
  allowedHosts?: readonly string[];
}

/** The Host (HTTP/1.1) or :authority (HTTP/2) a request names, as sent. */
export function requestedHost(headers: IncomingHttpHeaders): string | undefined {
  const authority = headers[':authority'];
  if (typeof authority === 'string' && authority !== '') return authority;
  return headers.host;
}

/** Splits `name[:port]` (IPv6 in brackets); the name lower-cased; undefined when it cannot be read. */
export function parseHost(host: string): { name: string; port: number | undefined } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return undefined;
  const port = m[2] === undefined ? undefined : Number(m[2]);
  return { name: m[1]!.toLowerCase(), port };
}

/** Why a Host is refused, or undefined when it is this machine on this port. */
export function hostProblem(host: string | undefined, rule: HostRule): string | undefined {
  const allowed = [...LOOPBACK_NAMES, ...(rule.allowedHosts ?? [])];
  const hint = `this local endpoint answers only ${allowed.join(', ')} on port ${rule.port}; to reach it by another name, add the name under allowedHosts in config/meridian.yml and restart`;
  if (host === undefined || host === '') return `the request names no Host: ${hint}`;
  const parsed = parseHost(host);
  if (!parsed) return `Host "${host}" cannot be read: ${hint}`;
  // A loopback name is what matters against DNS rebinding. Some clients leave the port out altogether (the
  // OpenSearch client's SigV4 signer sets Host to the bare hostname), so only a port that is named must match.
  if (!allowed.includes(parsed.name) || (parsed.port !== undefined && parsed.port !== rule.port)) return `Host "${host}" is not this machine's endpoint: ${hint}`;
  return undefined;
}

/**
 * Answers 421 Misdirected Request (the request was meant for another server) with the reason, and returns
 * false, when the Host is not allowed; true when the request may proceed.
 */
export function admitHost(req: IncomingMessage, res: ServerResponse, allowedHosts: readonly string[] = []): boolean {
  // The port the connection came in on is the server's own, whatever it was configured or given by the OS.
  const problem = hostProblem(requestedHost(req.headers), { port: req.socket.localPort ?? 0, allowedHosts });
  if (problem === undefined) return true;
  const answer = misdirected(problem);
  // Close the connection: a client that sent a foreign Host once will not be served on it later.
  res.writeHead(answer.status, { ...answer.headers, connection: 'close' });
  res.end(answer.body);
  return false;
}

/** The 421 answer for a refused Host: JSON `{message}`, kept by no cache (no connection header: HTTP/2 forbids it). */
export function misdirected(problem: string): { status: 421; headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ message: problem });
  return { status: 421, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store' }, body };
}
