import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createH2cServer } from 'node:http2';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

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
  const http1Connection = h1.listeners('connection');
  h1.removeAllListeners('connection');
  h1.on('connection', (socket: Socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      const isH2 = first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length)));
      if (isH2) {
        h2.emit('connection', replaying(first, socket));
      } else {
        socket.unshift(first);
        for (const listener of http1Connection) (listener as (s: Socket) => void).call(h1, socket);
        socket.resume();
      }
    });
  });
  return h1;
}

/**
 * The socket seen through a stream that first replays the bytes already read. HTTP/2 sessions read
 * a net.Socket's handle directly, so bytes unshifted back into the socket would be lost to them.
 */
function replaying(first: Buffer, socket: Socket): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => void socket.end(done),
    destroy: (err, done) => {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  duplex.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}
