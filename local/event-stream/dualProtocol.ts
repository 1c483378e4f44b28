import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createH2cServer, type Http2Session } from 'node:http2';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** A protocol-neutral request: what the Kinesis handler needs, read fully. */
export interface PlainRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: AsyncIterable<Buffer | string>;
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string | number>;
  body: string;
}

export type PlainHandler = (req: PlainRequest) => Promise<PlainResponse>;

/** The first bytes of every HTTP/2 connection with prior knowledge (RFC 9113 §3.4). */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/**
 * One port for HTTP/1.1 and cleartext HTTP/2. `@aws-sdk/client-kinesis` sends every call over HTTP/2
 * (h2c against an http:// endpoint), while curl and other tools speak HTTP/1.1; the first bytes of a
 * connection tell which protocol it is.
 *
 * An HTTP/2 connection is piped to an internal h2c server on a loopback port rather than handed over
 * as a JS stream: http2 over a non-socket stream (JSStreamSocket) trips an internal assertion of Node 20
 * when a session closes while a write is pending, and that uncaught error would take the region down.
 */
export function createDualProtocolServer(handler: PlainHandler): Server {
  const respond1: Parameters<typeof createServer>[1] = (req, res) => {
    void handler({ method: req.method ?? 'GET', headers: req.headers, body: req }).then((out) => {
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
  };
  const h1 = createServer(respond1);
  const h2 = createH2cServer((req, res) => {
    void handler({ method: req.method, headers: req.headers, body: req }).then((out) => {
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
  });
  const sessions = new Set<Http2Session>();
  h2.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const h2Port = new Promise<number>((resolve, reject) => {
    h2.once('error', reject);
    h2.listen(0, '127.0.0.1', () => resolve((h2.address() as AddressInfo).port));
  });
  h2Port.catch(() => undefined); // reported to the first HTTP/2 connection instead

  const http1Connection = h1.listeners('connection');
  h1.removeAllListeners('connection');
  h1.on('connection', (socket: Socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      const isH2 = first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length)));
      if (isH2) {
        void pipeToH2(socket, first, h2Port);
      } else {
        socket.unshift(first);
        for (const listener of http1Connection) (listener as (s: Socket) => void).call(h1, socket);
        socket.resume();
      }
    });
  });
  h1.on('close', () => {
    for (const session of sessions) session.destroy();
    h2.close();
  });
  return h1;
}

async function pipeToH2(socket: Socket, first: Buffer, h2Port: Promise<number>): Promise<void> {
  let port: number;
  try {
    port = await h2Port;
  } catch {
    socket.destroy();
    return;
  }
  const upstream = connect(port, '127.0.0.1');
  upstream.setNoDelay(true);
  socket.setNoDelay(true);
  upstream.write(first);
  socket.pipe(upstream);
  upstream.pipe(socket);
  socket.resume();
  const end = () => {
    socket.destroy();
    upstream.destroy();
  };
  socket.on('error', end);
  upstream.on('error', end);
  socket.on('close', end);
  upstream.on('close', end);
}
