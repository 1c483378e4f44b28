import { createServer, Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import os from 'node:os';
import { freePort } from '../../local/http/freePort.js';
import { close, listen } from '../../local/http/server.js';
import { startFrontDoor, type FrontDoor } from '../../local/front-door/frontDoor.js';

/*
 * A cached GET against the same GET uncached, same run: two front doors over one origin, one with the
 * cache and one without (`cache: false`), asked in interleaved rounds by the same keep-alive clients.
 * Reports requests/s of each round, the medians and their ratio (issue 11's target: at least 5x).
 *
 *   node --import tsx bench/frontDoor/cachedGet.ts [--rounds 6] [--seconds 2] [--concurrency 16]
 *   ... --origin http://127.0.0.1:4001 --path /destinations/<id>   (a running region instead of the stub)
 *
 * The stub origin answers a destination-sized JSON with `public, max-age=60`; a region's found GET says
 * `public, max-age=5`, which a round of a few seconds re-fetches once or twice. No assertions: a report.
 */
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '16' },
    origin: { type: 'string' },
    path: { type: 'string', default: '/destinations/0f8fad5b-d9cb-469f-a165-70867728950e' },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const body = JSON.stringify({ id: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'Porto', description: 'by the Douro', location: { lat: 41.1579, lon: -8.6291 }, status: 'locationValidated', updatedAt: new Date().toISOString(), updatedIn: 'us-east-1' });
let stub: ReturnType<typeof createServer> | undefined;
let origin = values.origin;
if (!origin) {
  stub = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60', 'x-meridian-region': 'us-east-1' });
      res.end(body);
    });
  });
  const port = await freePort();
  await listen(stub, port);
  origin = `http://127.0.0.1:${port}`;
}

const origins = { originsNearestFirst: () => [{ region: 'us-east-1', api: origin!, health: 'healthy' as const }] };
const cached = await startFrontDoor({ port: await freePort(), origins });
const uncached = await startFrontDoor({ port: await freePort(), origins, cache: false });
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

function get(url: URL): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(res.headers['x-cache'] as string | undefined) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function round(door: FrontDoor): Promise<{ rps: number; hits: number; n: number }> {
  const url = new URL(values.path!, door.url);
  const until = performance.now() + seconds * 1000;
  let n = 0;
  let hits = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < until) {
      if ((await get(url)) === 'Hit from cloudfront') hits++;
      n++;
    }
  }));
  return { rps: Math.round(n / seconds), hits, n };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  await round(cached); // warm-up: connections, JIT, the first fill of the cache
  await round(uncached);
  const results = { cached: [] as number[], uncached: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    // Interleaved, the order alternating: load from elsewhere on the machine falls on both alike.
    for (const which of i % 2 === 0 ? (['cached', 'uncached'] as const) : (['uncached', 'cached'] as const)) {
      const r = await round(which === 'cached' ? cached : uncached);
      results[which].push(r.rps);
      console.log(`round ${i + 1} ${which.padEnd(8)} ${String(r.rps).padStart(6)} requests/s  (hits ${r.hits}/${r.n})`);
    }
  }
  const ratio = median(results.cached) / median(results.uncached);
  console.log(JSON.stringify({
    origin: stub ? 'stub (loopback, max-age=60)' : origin,
    path: values.path,
    concurrency,
    secondsPerRound: seconds,
    cachedRps: results.cached,
    uncachedRps: results.uncached,
    medianCachedRps: median(results.cached),
    medianUncachedRps: median(results.uncached),
    ratio: Math.round(ratio * 10) / 10,
    loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
  }, null, 2));
} finally {
  agent.destroy();
  await cached.close();
  await uncached.close();
  if (stub) await close(stub);
}
