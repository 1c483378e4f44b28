import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../../local/http/freePort.js';
import { startFrontDoor, type FrontDoor } from '../../local/front-door/frontDoor.js';

/*
 * A cached GET against the same GET uncached, same run: two front doors over one origin, one with the
 * cache and one without (`cache: false`), asked in interleaved rounds by the same keep-alive clients.
 * Reports requests/s of each round, the medians and their ratio (issue 11's target: at least 5x).
 *
 *   node --import tsx bench/frontDoor/cachedGet.ts [--rounds 6] [--seconds 2] [--concurrency 16]
 *   ... --origin http://127.0.0.1:4001 --path /destinations/<id>   (a running region instead of the stub)
 *   node --import tsx bench/frontDoor/cachedGetOnCloud.ts            (starts a cloud: a real region's GET)
 *
 * The stub origin (its own process, as a region is) answers a destination-sized JSON with
 * `public, max-age=60`. No assertions: a report.
 */
export interface CachedGetOptions {
  rounds: number;
  seconds: number;
  concurrency: number;
  /** A region's API; a stub region when absent. */
  origin?: string;
  path: string;
}

export interface CachedGetResult {
  origin: string;
  path: string;
  concurrency: number;
  secondsPerRound: number;
  cachedRps: number[];
  uncachedRps: number[];
  medianCachedRps: number;
  medianUncachedRps: number;
  ratio: number;
  loadAverage: number[];
}

const BODY = JSON.stringify({ id: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'Porto', description: 'by the Douro', location: { lat: 41.1579, lon: -8.6291 }, status: 'locationValidated', updatedAt: new Date().toISOString(), updatedIn: 'us-east-1' });

async function startStub(): Promise<{ origin: string; child: ChildProcess }> {
  const port = await freePort();
  const script = `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=60', 'x-meridian-region': 'us-east-1' });
    res.end(process.env.BODY); }); }).listen(${port}, '127.0.0.1', () => console.log('ready'));`;
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, BODY }, stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout!, 'data');
  return { origin: `http://127.0.0.1:${port}`, child };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchCachedGet(opts: CachedGetOptions, log: (line: string) => void = console.log): Promise<CachedGetResult> {
  const stub = opts.origin ? undefined : await startStub();
  const origin = opts.origin ?? stub!.origin;
  const origins = { originsNearestFirst: () => [{ region: 'us-east-1', api: origin, health: 'healthy' as const }] };
  const cached = await startFrontDoor({ port: await freePort(), origins });
  const uncached = await startFrontDoor({ port: await freePort(), origins, cache: false });
  const agent = new Agent({ keepAlive: true, maxSockets: opts.concurrency });

  const get = (url: URL) =>
    new Promise<string | undefined>((resolve, reject) => {
      const req = request(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(res.headers['x-cache'] as string | undefined) : reject(new Error(`GET ${url.pathname}: status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });

  const round = async (door: FrontDoor) => {
    const url = new URL(opts.path, door.url);
    const until = performance.now() + opts.seconds * 1000;
    let n = 0;
    let hits = 0;
    await Promise.all(Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < until) {
        if ((await get(url)) === 'Hit from cloudfront') hits++;
        n++;
      }
    }));
    return { rps: Math.round(n / opts.seconds), hits, n };
  };

  try {
    await round(cached); // warm-up: connections, JIT, the first fill of the cache
    await round(uncached);
    const results = { cached: [] as number[], uncached: [] as number[] };
    for (let i = 0; i < opts.rounds; i++) {
      // Interleaved, the order alternating: load from elsewhere on the machine falls on both alike.
      for (const which of i % 2 === 0 ? (['cached', 'uncached'] as const) : (['uncached', 'cached'] as const)) {
        const r = await round(which === 'cached' ? cached : uncached);
        results[which].push(r.rps);
        log(`round ${i + 1} ${which.padEnd(8)} ${String(r.rps).padStart(6)} requests/s  (hits ${r.hits}/${r.n})`);
      }
    }
    return {
      origin: stub ? 'stub region (own process, max-age=60)' : origin,
      path: opts.path,
      concurrency: opts.concurrency,
      secondsPerRound: opts.seconds,
      cachedRps: results.cached,
      uncachedRps: results.uncached,
      medianCachedRps: median(results.cached),
      medianUncachedRps: median(results.uncached),
      ratio: Math.round((median(results.cached) / median(results.uncached)) * 10) / 10,
      loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
    };
  } finally {
    agent.destroy();
    await cached.close();
    await uncached.close();
    stub?.child.kill();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '6' },
      seconds: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '16' },
      origin: { type: 'string' },
      path: { type: 'string', default: '/destinations/0f8fad5b-d9cb-469f-a165-70867728950e' },
    },
  });
  const result = await benchCachedGet({ rounds: Number(values.rounds), seconds: Number(values.seconds), concurrency: Number(values.concurrency), path: values.path!, ...(values.origin ? { origin: values.origin } : {}) });
  console.log(JSON.stringify(result, null, 2));
}
