import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { admitHost } from '../http/hostGuard.js';
import { BodyTooLargeError, close, listen, readBody } from '../http/server.js';

/** One call to DynamoDB or DynamoDB Streams as the front sees it, before DynamoDB Local does. */
export interface DynamoDbCall {
  /** The operation, e.g. `PutItem` or `GetRecords` (from X-Amz-Target). */
  operation: string;
  /** `DynamoDB_20120810` or `DynamoDBStreams_20120810`. */
  api: string;
  /** The JSON request, parsed; undefined when it is not JSON (DynamoDB Local answers that itself). */
  input: Record<string, unknown> | undefined;
  headers: IncomingMessage['headers'];
}

/** What a check answers instead of DynamoDB Local: an error in DynamoDB's JSON shape. */
export interface DynamoDbRefusal {
  status: number;
  type: string;
  message: string;
}

export interface DynamoDbFrontOptions {
  /** The public port SDKs and functions use (config: local.ports.dynamodb). */
  port: number;
  /** Where DynamoDB Local itself listens (an internal port). */
  upstream: string;
  host?: string;
  allowedHosts?: readonly string[];
  /** Runs before each call is forwarded; a refusal is answered instead (later: IAM enforcement). */
  check?: (call: DynamoDbCall) => DynamoDbRefusal | undefined;
  /** Told after each call DynamoDB Local answered with 2xx (later: waking stream readers on writes). */
  onAnswered?: (call: DynamoDbCall) => void;
}

export interface DynamoDbFront {
  endpoint: string;
  close(): Promise<void>;
}

// DynamoDB's own limit for a request is 16 MB (BatchWriteItem); more is refused before reading it all.
const MAX_BODY = 16 * 1024 * 1024;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/**
 * The region's DynamoDB endpoint: a small front on the public port before DynamoDB Local, so the local
 * cloud sees every call its regions' tables get. It refuses requests naming a foreign Host (DNS
 * rebinding), and is where per-call checks and write notifications attach. Connections to the JVM are
 * kept alive and reused: the front costs a loopback hop, not a TCP handshake per call.
 */
export async function startDynamoDbFront(opts: DynamoDbFrontOptions): Promise<DynamoDbFront> {
  const upstream = new URL(opts.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server: Server = createServer((req, res) => {
    if (!admitHost(req, res, opts.allowedHosts)) return;
    relay(req, res, upstream, agent, opts).catch((e: Error) => {
      if (!res.headersSent) sendError(res, 500, 'InternalServerError', `the local DynamoDB front failed: ${e.message}`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await listen(server, opts.port, opts.host ?? '127.0.0.1');
  return {
    endpoint: `http://${opts.host ?? '127.0.0.1'}:${opts.port}`,
    async close() {
      await close(server);
      agent.destroy();
    },
  };
}

async function relay(req: IncomingMessage, res: ServerResponse, upstream: URL, agent: Agent, opts: DynamoDbFrontOptions): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY);
  } catch (e) {
    if (e instanceof BodyTooLargeError) return sendError(res, 413, 'RequestEntityTooLarge', e.message);
    throw e;
  }
  const call = describeCall(req, body);
  const refusal = call && opts.check?.(call);
  if (refusal) return sendError(res, refusal.status, refusal.type, refusal.message);

  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  headers['content-length'] = String(body.length);
  await new Promise<void>((resolve, reject) => {
    const up = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, agent }, (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on('end', () => {
        if (call && (answer.statusCode ?? 500) < 300) opts.onAnswered?.(call);
        resolve();
      });
      answer.on('error', reject);
    });
    up.on('error', (e: NodeJS.ErrnoException) => {
      // DynamoDB Local not answering is the region's database being down: say so in DynamoDB's shape.
      if (!res.headersSent) sendError(res, 503, 'ServiceUnavailable', `DynamoDB Local at ${upstream.host} did not answer (${e.code ?? e.message})`);
      else res.destroy();
      resolve();
    });
    up.end(body);
  });
}

function describeCall(req: IncomingMessage, body: Buffer): DynamoDbCall | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string') return undefined;
  const [api, operation] = target.split('.');
  if (!api || !operation) return undefined;
  let input: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
  } catch {
    input = undefined;
  }
  return { api, operation, input, headers: req.headers };
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  const payload = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(payload), 'x-amzn-errortype': type });
  res.end(payload);
}
