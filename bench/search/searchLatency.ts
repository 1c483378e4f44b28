/**
 * GET /search latency at a steady request rate on a region with 100,000 destinations indexed.
 *
 * The search handler's own logic (app/searchEndpoint.ts with the local adapter, as deployed) answers
 * HTTP requests turned into API Gateway events; the local search engine runs in its own process, as
 * in a region of the local cloud. Requests are sent open loop (each at its scheduled time, whether or
 * not earlier ones have answered), so a slow answer cannot hide the ones queued behind it.
 *   node --import tsx bench/search/searchLatency.ts [docs=100000] [rate=50] [seconds=60]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { close, listen } from '../../local/http/server.js';
import { searchViewFromEnv } from '../../services/search/src/adapters/searchViewFromEnv.js';
import { capturingLogger } from '../../services/toolkit/test/support/capturingLogger.js';
import { apiGatewayEvent } from '../../services/toolkit/test/support/lambdaEvents.js';
import { searchEndpoint } from '../../services/search/src/app/searchEndpoint.js';
import { corpus, queryMix, type QueryKind } from './corpus.js';
import { sleep, stats, type Stats } from './stats.js';

export interface SearchLatencyOptions {
  docs?: number;
  ratePerS?: number;
  seconds?: number;
  log?: (line: string) => void;
}

export interface SearchLatencyResult {
  docs: number;
  indexSeconds: number;
  ratePerS: number;
  requests: number;
  errors: number;
  latencyMs: Stats;
  byKind: Record<QueryKind, Stats>;
  /** Results per answer (the page is usually full). */
  meanResults: number;
  /**
   * CPU the engine process spent per request (Linux /proc), which contention does not inflate much:
   * with the machine to itself, latency approaches this plus the HTTP hops.
   */
  engineCpuMsPerRequest: number | undefined;
  machine: { cores: number; loadAverage1m: number; node: string };
  target: { p99UnderMs: number };
}

const INDEX = 'destinations-bench';
const BATCH = 5_000;

export async function benchSearchLatency(opts: SearchLatencyOptions = {}): Promise<SearchLatencyResult> {
  const docs = opts.docs ?? 100_000;
  const rate = opts.ratePerS ?? 50;
  const seconds = opts.seconds ?? 60;
  const log = opts.log ?? ((l: string) => console.log(l));
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-search-bench-'));
  const engine = await startEngineProcess(dataDir);
  const search = searchViewFromEnv({ MERIDIAN_SEARCH_ENGINE: 'local', MERIDIAN_SEARCH_ENDPOINT: engine.url, SEARCH_INDEX: INDEX });
  let api: Server | undefined;
  try {
    const destinations = corpus(docs);
    const began = performance.now();
    await search.ensureIndex();
    for (let start = 0; start < docs; start += BATCH) {
      const lines = destinations.slice(start, start + BATCH).flatMap((d) => [JSON.stringify({ index: { _index: INDEX, _id: d.id } }), JSON.stringify(d)]);
      const res = await fetch(`${engine.url}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
      const body = (await res.json()) as { errors?: boolean };
      if (!res.ok || body.errors) throw new Error(`bulk indexing failed: ${res.status}`);
    }
    const indexSeconds = Math.round((performance.now() - began) / 100) / 10;
    log(`indexed ${docs} destinations in ${indexSeconds} s`);

    // The handler behind HTTP, as the regional API invokes it.
    const deps = { search, frontDoorUrl: 'http://127.0.0.1:4000', region: 'us-east-1', log: capturingLogger() };
    api = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      void searchEndpoint(deps, apiGatewayEvent({
        httpMethod: req.method ?? 'GET',
        path: url.pathname,
        headers: { host: req.headers.host },
        queryStringParameters: Object.fromEntries(url.searchParams),
      })).then((r) => {
        res.writeHead(r.statusCode, r.headers);
        res.end(r.body);
      }, (err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
    await listen(api, 0);
    const address = api.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const next = queryMix(destinations);
    const call = async (text: string) => {
      const t0 = performance.now();
      const res = await fetch(`${base}/search?q=${encodeURIComponent(text)}`);
      const body = (await res.json()) as unknown[];
      return { ms: performance.now() - t0, ok: res.status === 200, results: Array.isArray(body) ? body.length : 0 };
    };
    for (let i = 0; i < 200; i++) await call(next().text); // warm-up: connections, statements, caches

    const samples: Array<{ kind: QueryKind; ms: number; ok: boolean; results: number }> = [];
    const inFlight: Promise<void>[] = [];
    const cpuBefore = cpuMs(engine.pid);
    const start = performance.now();
    for (let i = 0; i < rate * seconds; i++) {
      await sleep(Math.max(0, start + (i * 1000) / rate - performance.now()));
      const q = next();
      inFlight.push(call(q.text).then((r) => void samples.push({ kind: q.kind, ...r })));
    }
    await Promise.all(inFlight);
    const cpuAfter = cpuMs(engine.pid);

    const kinds: QueryKind[] = ['content word', 'destination name', 'phrase with common words', 'common word only'];
    const result: SearchLatencyResult = {
      docs,
      indexSeconds,
      ratePerS: rate,
      requests: samples.length,
      errors: samples.filter((s) => !s.ok).length,
      latencyMs: stats(samples.map((s) => s.ms)),
      byKind: Object.fromEntries(kinds.map((k) => [k, stats(samples.filter((s) => s.kind === k).map((s) => s.ms))])) as Record<QueryKind, Stats>,
      meanResults: Math.round((samples.reduce((n, s) => n + s.results, 0) / samples.length) * 10) / 10,
      engineCpuMsPerRequest: cpuBefore === undefined || cpuAfter === undefined ? undefined : Math.round(((cpuAfter - cpuBefore) / samples.length) * 100) / 100,
      machine: { cores: cpus().length, loadAverage1m: Math.round(loadavg()[0]! * 10) / 10, node: process.version },
      target: { p99UnderMs: 20 },
    };
    log(`GET /search at ${rate}/s for ${seconds} s over ${docs} destinations: p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms, errors ${result.errors}; engine CPU ${result.engineCpuMsPerRequest ?? '?'} ms/request; load average ${result.machine.loadAverage1m} on ${result.machine.cores} cores`);
    for (const k of kinds) log(`  ${k}: p50 ${result.byKind[k].p50} ms, p99 ${result.byKind[k].p99} ms (n ${result.byKind[k].n})`);
    return result;
  } finally {
    if (api) await close(api);
    await search.close();
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** utime + stime of a process in ms, from /proc (undefined elsewhere). */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // Fields 14 and 15 of stat (utime, stime), counted after the command name: indexes 11 and 12 here.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

async function startEngineProcess(dataDir: string): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const script = fileURLToPath(new URL('./serveEngine.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the search engine process exited (${code}) before it was ready`)));
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [docs, rate, seconds] = process.argv.slice(2).map(Number);
  const result = await benchSearchLatency({ docs: docs || undefined, ratePerS: rate || undefined, seconds: seconds || undefined });
  console.log(JSON.stringify(result, null, 2));
}
