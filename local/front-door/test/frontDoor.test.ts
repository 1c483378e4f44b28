import { createServer, request, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../http/freePort.js';
import { close, listen, readBody, sendJson } from '../../http/server.js';
import { importedFolders } from '../../test/support/moduleImports.js';
import { MAX_BODY } from '../forward.js';
import { startFrontDoor, type FrontDoor, type LocalAnswer } from '../frontDoor.js';
import type { Origin, OriginDirectory } from '../originDirectory.js';

// Real servers on loopback: two regions' APIs that answer with their name and echo what they got.
interface FakeRegion {
  name: string;
  api: string;
  server: Server;
  /** Requests it received, as `METHOD url body`. */
  received: string[];
}

async function startRegion(name: string): Promise<FakeRegion> {
  const port = await freePort();
  const received: string[] = [];
  const server = createServer((req, res) => {
    void readBody(req, 2 * MAX_BODY).then((body) => {
      received.push(`${req.method} ${req.url} ${body.length > 100 ? `<${body.length} bytes>` : body.toString('utf8')}`);
      res.writeHead(201, { 'x-meridian-region': name, 'content-type': 'text/plain' });
      res.end(`${name} got ${req.method} ${req.url} (${body.length} bytes, x-caller ${req.headers['x-caller'] ?? '-'})`);
    });
  });
  await listen(server, port);
  return { name, api: `http://127.0.0.1:${port}`, server, received };
}

/** An origin nothing listens on: connecting to it is refused, as to a region that just went down. */
async function refusing(name: string): Promise<Origin> {
  return { region: name, api: `http://127.0.0.1:${await freePort()}`, health: 'healthy' };
}

/** A directory the test changes between requests, as health checks would. */
class Directory implements OriginDirectory {
  origins: Origin[] = [];
  originsNearestFirst(): Origin[] {
    return this.origins;
  }
}

let east: FakeRegion;
let west: FakeRegion;
const directory = new Directory();
const logged: string[] = [];
let answerLocally: LocalAnswer = async () => false;
let frontDoor: FrontDoor;

const healthy = (r: FakeRegion): Origin => ({ region: r.name, api: r.api, health: 'healthy' });
const unhealthy = (r: FakeRegion): Origin => ({ ...healthy(r), health: 'unhealthy' });

beforeAll(async () => {
  east = await startRegion('us-east-1');
  west = await startRegion('us-west-2');
  frontDoor = await startFrontDoor({
    port: await freePort(),
    origins: directory,
    answerLocally: (req, res) => answerLocally(req, res),
    log: (line) => logged.push(line),
  });
});

afterEach(() => {
  east.received.length = 0;
  west.received.length = 0;
  answerLocally = async () => false;
});

afterAll(async () => {
  await frontDoor?.close();
  for (const r of [east, west]) if (r) await close(r.server);
});

describe('the front door routes each request', () => {
  it('to the nearest healthy origin, passing status, headers and body through', async () => {
    directory.origins = [healthy(east), healthy(west)];
    const res = await fetch(`${frontDoor.url}/destinations?q=porto`, { headers: { 'x-caller': 'test' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-meridian-region')).toBe('us-east-1');
    expect(await res.text()).toBe('us-east-1 got GET /destinations?q=porto (0 bytes, x-caller test)');
    expect(west.received).toEqual([]);
  });

  it('past an unhealthy origin without trying it, and follows a change of health on the next request', async () => {
    directory.origins = [unhealthy(east), healthy(west)];
    expect((await fetch(`${frontDoor.url}/a`)).headers.get('x-meridian-region')).toBe('us-west-2');
    expect(east.received).toEqual([]);

    directory.origins = [healthy(east), healthy(west)];
    expect((await fetch(`${frontDoor.url}/b`)).headers.get('x-meridian-region')).toBe('us-east-1');
  });

  it('to the next origin, with the same body, when the nearest refuses the connection', async () => {
    directory.origins = [await refusing('us-east-1'), healthy(west)];
    const res = await fetch(`${frontDoor.url}/destinations`, { method: 'POST', body: '{"name":"Lighthouse"}' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-meridian-region')).toBe('us-west-2');
    expect(west.received).toEqual(['POST /destinations {"name":"Lighthouse"}']);
  });

  it('nowhere when none answers: 503 naming every origin it tried', async () => {
    directory.origins = [await refusing('us-east-1'), unhealthy(east), await refusing('us-west-2')];
    const res = await fetch(`${frontDoor.url}/destinations`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ message: 'no region answered (tried us-east-1, us-west-2)' });
  });

  it('nowhere when no origin is healthy: 503 saying so', async () => {
    directory.origins = [unhealthy(east), unhealthy(west)];
    const res = await fetch(`${frontDoor.url}/destinations`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ message: 'no region is available' });
    expect([...east.received, ...west.received]).toEqual([]);
  });
});

describe('the front door refuses a body over 10 MB, as API Gateway does', () => {
  it('413 before any origin sees it; exactly 10 MB goes through', async () => {
    directory.origins = [healthy(east)];
    const over = await post(`${frontDoor.url}/upload`, Buffer.alloc(MAX_BODY + 1, 'x'));
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body)).toEqual({ message: `request body is larger than ${MAX_BODY} bytes` });
    expect(east.received).toEqual([]);

    const limit = await post(`${frontDoor.url}/upload`, Buffer.alloc(MAX_BODY, 'x'));
    expect(limit.status).toBe(201);
    expect(east.received).toEqual([`POST /upload <${MAX_BODY} bytes>`]);
  });

  it('also when the body comes chunked, without a length', async () => {
    directory.origins = [healthy(east)];
    const over = await post(`${frontDoor.url}/upload`, Buffer.alloc(MAX_BODY + 1, 'x'), { chunked: true });
    expect(over.status).toBe(413);
    expect(east.received).toEqual([]);
  });
});

describe('requests the front door answers itself', () => {
  it('are answered by the local handler; those it declines go to the regions', async () => {
    directory.origins = [healthy(east)];
    answerLocally = async (req, res) => {
      if (req.url !== '/_meridian/status') return false;
      sendJson(res, 200, { local: true });
      return true;
    };
    expect(await (await fetch(`${frontDoor.url}/_meridian/status`)).json()).toEqual({ local: true });
    const res = await fetch(`${frontDoor.url}/_meridian/health`);
    expect(res.headers.get('x-meridian-region')).toBe('us-east-1');
    expect(east.received).toEqual(['GET /_meridian/health ']);
  });

  it('a local handler that fails is a 500 from the front door, and the log says why', async () => {
    answerLocally = async () => {
      throw new Error('the handler broke');
    };
    const res = await fetch(`${frontDoor.url}/_meridian/status`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'internal error in the front door' });
    expect(logged.join('\n')).toContain('the handler broke');
  });
});

it('once closed, the front door refuses connections', async () => {
  const port = await freePort();
  const door = await startFrontDoor({ port, origins: directory });
  expect((await fetch(`${door.url}/_meridian/health`)).status).toBeGreaterThan(0);
  await door.close();
  await expect(fetch(`${door.url}/_meridian/health`)).rejects.toThrow();
});

/** A POST through node:http, which reads an early answer (413) while the body is still going out. */
function post(url: string, body: Buffer, opts: { chunked?: boolean } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: 'POST', headers: opts.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': body.length } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may close the connection after answering early: the rest of the body then has nowhere to go.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    req.on('close', () => answered || reject(new Error('the connection closed without an answer')));
    req.end(body);
  });
}

it('imports only node and local/http (README: what it may import); the regions come in through OriginDirectory', () => {
  const dir = fileURLToPath(new URL('..', import.meta.url));
  expect([...importedFolders(dir)].sort()).toEqual(['local/front-door', 'local/http', 'node:http']);
});
