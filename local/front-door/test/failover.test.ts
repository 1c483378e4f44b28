import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../http/freePort.js';
import { close, listen, readBody } from '../../http/server.js';
import { CLIENT_REGION_HEADER } from '../forward.js';
import { startFrontDoor, type FrontDoor } from '../frontDoor.js';
import type { Origin, OriginDirectory } from '../originDirectory.js';

// Real servers on loopback: a region answers what the test tells it to, and counts requests and connections.
interface Region {
  name: string;
  api: string;
  server: Server;
  status: number;
  requests: string[];
  connections: number;
  /** Reset the connection before any answer, as a region that dies mid-request. */
  resetBeforeAnswer: boolean;
}

async function startRegion(name: string): Promise<Region> {
  const port = await freePort();
  const region: Region = { name, api: `http://127.0.0.1:${port}`, server: createServer(), status: 200, requests: [], connections: 0, resetBeforeAnswer: false };
  region.server.on('connection', () => (region.connections += 1));
  region.server.on('request', (req, res) => {
    void readBody(req, 1024 * 1024).then((body) => {
      region.requests.push(`${req.method} ${req.url} ${body.toString('utf8')}`);
      if (region.resetBeforeAnswer) return void (req.socket as Socket).resetAndDestroy();
      res.writeHead(region.status, { 'x-meridian-region': name, 'content-type': 'text/plain' });
      res.end(`${name} ${region.status}`);
    });
  });
  await listen(region.server, port);
  return region;
}

class Directory implements OriginDirectory {
  origins: Origin[] = [];
  originsNearestFirst(): Origin[] {
    return this.origins;
  }
}

let east: Region;
let west: Region;
let frontDoor: FrontDoor;
const directory = new Directory();
const healthy = (r: Region): Origin => ({ region: r.name, api: r.api, health: 'healthy' });

beforeAll(async () => {
  east = await startRegion('us-east-1');
  west = await startRegion('us-west-2');
  directory.origins = [healthy(east), healthy(west)];
  frontDoor = await startFrontDoor({ port: await freePort(), origins: directory });
});

afterAll(async () => {
  await frontDoor?.close();
  for (const r of [east, west]) if (r) await close(r.server);
});

function reset() {
  for (const r of [east, west]) {
    r.status = 200;
    r.requests.length = 0;
    r.resetBeforeAnswer = false;
  }
}

describe('the front door fails over per request', () => {
  it('sends a GET or HEAD that got a 5xx to the next region, and passes a 5xx through when no region is left', async () => {
    reset();
    east.status = 503;
    const get = await fetch(`${frontDoor.url}/search?q=x`);
    expect([get.status, get.headers.get('x-meridian-region')]).toEqual([200, 'us-west-2']);
    const head = await fetch(`${frontDoor.url}/search`, { method: 'HEAD' });
    expect([head.status, head.headers.get('x-meridian-region')]).toEqual([200, 'us-west-2']);
    expect(east.requests).toEqual(['GET /search?q=x ', 'HEAD /search ']);

    west.status = 500;
    const last = await fetch(`${frontDoor.url}/search`);
    expect([last.status, last.headers.get('x-meridian-region')]).toEqual([500, 'us-west-2']);
  });

  it('relays a POST’s 5xx as it is: the region may have acted on it', async () => {
    reset();
    east.status = 502;
    const res = await fetch(`${frontDoor.url}/destinations`, { method: 'POST', body: '{}' });
    expect([res.status, res.headers.get('x-meridian-region')]).toEqual([502, 'us-east-1']);
    expect(west.requests).toEqual([]);
  });

  it('sends a POST whose connection was reset before any answer to the next region, with its body', async () => {
    reset();
    east.resetBeforeAnswer = true;
    const res = await fetch(`${frontDoor.url}/destinations`, { method: 'POST', body: '{"name":"Quay"}' });
    expect([res.status, res.headers.get('x-meridian-region')]).toEqual([200, 'us-west-2']);
    expect(west.requests).toEqual(['POST /destinations {"name":"Quay"}']);
  });

  it(`serves the region ${CLIENT_REGION_HEADER} names first, and refuses an unknown one with 400`, async () => {
    reset();
    const res = await fetch(`${frontDoor.url}/x`, { headers: { [CLIENT_REGION_HEADER]: 'us-west-2' } });
    expect(res.headers.get('x-meridian-region')).toBe('us-west-2');
    const bad = await fetch(`${frontDoor.url}/x`, { headers: { [CLIENT_REGION_HEADER]: 'mars-1' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('us-east-1, us-west-2');
    expect(east.requests).toEqual([]);
  });

  it('reuses kept-alive connections to a region instead of opening one per request', async () => {
    reset();
    const before = east.connections;
    for (let i = 0; i < 20; i += 1) expect((await fetch(`${frontDoor.url}/r${i}`)).status).toBe(200);
    expect(east.requests).toHaveLength(20);
    expect(east.connections - before).toBeLessThanOrEqual(1);
  });
});
