/**
 * Time from proposing a destination in one region (POST /destinations) until GET /search in the other
 * region finds it, at a steady rate, against a running local cloud with destinations and search
 * deployed. Covers the whole path: command → event store → trigger → stream → read model (global
 * table) → listener → view in the bucket → topic → replicator → the other region's bucket → topic →
 * indexer → engine.
 *
 * Each destination's name holds a word of its own; one poller asks the other region for all the
 * words still awaited every 50 ms (a few GET /search requests, however many are pending), so the
 * measuring adds a steady, small load instead of one poll per destination.
 *   node --import tsx services/search/bench/proposeToSearchable.ts [rate=20] [seconds=30]
 * uses the local cloud of this environment (MERIDIAN_PORT_OFFSET, MERIDIAN_STATE_DIR) if it is up,
 * otherwise starts one of its own and stops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloudStatus, startCloudProcess } from '../../../local/test/support/cloudProcess.js';
import { loadConfig, regionConfig, sourcesFromEnv, type MeridianConfig } from '../../../regions/config.js';
import { sleep, stats, type Stats } from './stats.js';

export interface ProposeToSearchableOptions {
  config: MeridianConfig;
  from?: string;
  to?: string;
  ratePerS?: number;
  seconds?: number;
  /** How long to wait for the last proposals before counting them lost. */
  graceMs?: number;
  log?: (line: string) => void;
}

export interface ProposeToSearchableResult {
  from: string;
  to: string;
  ratePerS: number;
  proposed: number;
  found: number;
  notFound: number;
  /** POST /destinations to the origin region, until its 202. */
  proposeMs: Stats;
  /** Proposal sent → found by GET /search in the other region (within the 50 ms poll). */
  searchableMs: Stats;
  machine: { cores: number; loadAverage1m: number; node: string };
  target: { p99UnderMs: number };
}

const POLL_MS = 50;
const MAX_QUERY_CHARS = 256;

export async function benchProposeToSearchable(opts: ProposeToSearchableOptions): Promise<ProposeToSearchableResult> {
  const from = opts.from ?? 'us-east-1';
  const to = opts.to ?? 'us-west-2';
  const rate = opts.ratePerS ?? 20;
  const seconds = opts.seconds ?? 30;
  const log = opts.log ?? ((l: string) => console.log(l));
  const api = (region: string) => `http://127.0.0.1:${regionConfig(opts.config, region).local.ports.api}`;
  const run = randomBytes(3).toString('hex');

  const pending = new Map<string, number>(); // word → when its proposal was sent
  const searchable: number[] = [];
  const proposeMs: number[] = [];
  let proposing = true;

  const poller = (async () => {
    let graceEnds = Number.POSITIVE_INFINITY;
    while (proposing || (pending.size > 0 && performance.now() < graceEnds)) {
      if (!proposing && graceEnds === Number.POSITIVE_INFINITY) graceEnds = performance.now() + (opts.graceMs ?? 30_000);
      const round = performance.now();
      await Promise.all(chunks([...pending.keys()]).map(async (words) => {
        const res = await fetch(`${api(to)}/search?q=${encodeURIComponent(words.join(' '))}&size=100`).catch(() => undefined);
        if (!res?.ok) return;
        const now = performance.now();
        for (const hit of (await res.json()) as Array<{ name: string }>) {
          const word = hit.name.split(' ')[1];
          const sent = word === undefined ? undefined : pending.get(word);
          if (sent !== undefined) {
            searchable.push(now - sent);
            pending.delete(word!);
          }
        }
      }));
      await sleep(Math.max(0, round + POLL_MS - performance.now()));
    }
  })();

  const start = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    await sleep(Math.max(0, start + (i * 1000) / rate - performance.now()));
    const word = `b${run}x${i.toString(36)}`;
    const sent = performance.now();
    pending.set(word, sent);
    sends.push(fetch(`${api(from)}/destinations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Bench ${word}`, description: 'proposed by the propose-to-searchable benchmark' }),
    }).then(async (res) => {
      await res.arrayBuffer();
      if (res.status !== 202) throw new Error(`POST /destinations in ${from} answered ${res.status}`);
      proposeMs.push(performance.now() - sent);
    }));
  }
  await Promise.all(sends);
  proposing = false;
  await poller;

  const result: ProposeToSearchableResult = {
    from,
    to,
    ratePerS: rate,
    proposed: rate * seconds,
    found: searchable.length,
    notFound: pending.size,
    proposeMs: stats(proposeMs),
    searchableMs: stats(searchable),
    machine: { cores: cpus().length, loadAverage1m: Math.round(loadavg()[0]! * 10) / 10, node: process.version },
    target: { p99UnderMs: 1_500 },
  };
  log(`proposed in ${from} → found by GET /search in ${to}, ${rate}/s for ${seconds} s: p50 ${result.searchableMs.p50} ms, p99 ${result.searchableMs.p99} ms, max ${result.searchableMs.max} ms; not found ${result.notFound} of ${result.proposed}`);
  return result;
}

/** Words joined into queries of at most 256 characters (GET /search's limit). */
function chunks(words: string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const w of words) {
    if ([...current, w].join(' ').length > MAX_QUERY_CHARS) {
      out.push(current);
      current = [];
    }
    current.push(w);
  }
  if (current.length > 0) out.push(current);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [rate, seconds] = process.argv.slice(2).map(Number);
  let config = loadConfig();
  let stop = async () => {};
  if (!(await cloudStatus(config))?.ready) {
    const stateDir = mkdtempSync(join(tmpdir(), 'meridian-search-bench-'));
    const env = { MERIDIAN_STATE_DIR: stateDir, MERIDIAN_PORT_OFFSET: '3300' };
    console.log('no local cloud is up here: starting one…');
    const cloud = await startCloudProcess({ env, logFile: join(stateDir, 'cloud.log') });
    config = loadConfig(sourcesFromEnv({ ...process.env, ...env }));
    stop = async () => {
      await cloud.stop();
      rmSync(stateDir, { recursive: true, force: true });
    };
  }
  try {
    const result = await benchProposeToSearchable({ config, ratePerS: rate || undefined, seconds: seconds || undefined });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await stop();
  }
}
