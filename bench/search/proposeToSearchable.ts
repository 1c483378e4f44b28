/**
 * Time from proposing a destination in one region (POST /destinations) until GET /search in the other
 * region finds it, at a steady rate, against a running local cloud with destinations and search
 * deployed. Covers the whole path: command → event store → trigger → stream → read model (global
 * table) → listener → view in the bucket → topic → replicator → the other region's bucket → topic →
 * indexer → engine.
 *
 * `via: 'read-model'` writes the read-model items instead (as the destinations builder does, origin
 * stamped), so the number is search's own part of the path: listener onwards.
 *
 * Each destination's name holds a word of its own; one poller asks the other region for all the
 * words still awaited every 50 ms (a few GET /search requests, however many are pending), so the
 * measuring adds a steady, small load instead of one poll per destination.
 *   node --import tsx bench/search/proposeToSearchable.ts [rate=20] [seconds=30] [api|read-model]
 * uses the local cloud of this environment (MERIDIAN_PORT_OFFSET, MERIDIAN_STATE_DIR) if it is up,
 * otherwise starts one of its own and stops it afterwards.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localCredentials } from '../../local/credentials.js';
import { cloudStatus, startCloudProcess } from '../../local/test/support/cloudProcess.js';
import { ORIGIN_ATTRIBUTE } from '../../replication/global-tables/originFilter.js';
import { loadConfig, regionConfig, sourcesFromEnv, type MeridianConfig } from '../../regions/config.js';
import { sleep, stats, type Stats } from './stats.js';

export interface ProposeToSearchableOptions {
  config: MeridianConfig;
  from?: string;
  to?: string;
  ratePerS?: number;
  seconds?: number;
  /** How long to wait for the last proposals before counting them lost. */
  graceMs?: number;
  /** 'api' (default): POST /destinations. 'read-model': put read-model items, search's part only. */
  via?: 'api' | 'read-model';
  log?: (line: string) => void;
}

export interface ProposeToSearchableResult {
  via: 'api' | 'read-model';
  from: string;
  to: string;
  ratePerS: number;
  proposed: number;
  found: number;
  notFound: number;
  /** POST /destinations (or the read-model put) in the origin region, until it answered. */
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
  const via = opts.via ?? 'api';
  const propose = via === 'api' ? proposeThroughApi(api(from)) : proposeIntoReadModel(opts.config, from);

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
    sends.push(propose(`Bench ${word}`).then(() => void proposeMs.push(performance.now() - sent)));
  }
  await Promise.all(sends);
  proposing = false;
  await poller;

  const result: ProposeToSearchableResult = {
    via,
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
  log(`${via === 'api' ? 'proposed (POST /destinations)' : 'read-model item written'} in ${from} → found by GET /search in ${to}, ${rate}/s for ${seconds} s: p50 ${result.searchableMs.p50} ms, p99 ${result.searchableMs.p99} ms, max ${result.searchableMs.max} ms; not found ${result.notFound} of ${result.proposed}`);
  return result;
}

type Propose = (name: string) => Promise<void>;

function proposeThroughApi(base: string): Propose {
  return async (name) => {
    const res = await fetch(`${base}/destinations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, description: 'proposed by the propose-to-searchable benchmark' }),
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`POST /destinations at ${base} answered ${res.status}`);
  };
}

/** A read-model item as the destinations builder writes it (stage local's table), stamped with its origin. */
function proposeIntoReadModel(config: MeridianConfig, region: string): Propose {
  const db = new DynamoDBClient({ region, endpoint: `http://127.0.0.1:${regionConfig(config, region).local.ports.dynamodb}`, credentials: localCredentials });
  return async (name) => {
    const now = Date.now();
    await db.send(new PutItemCommand({
      TableName: 'destinations-local-read-model',
      Item: {
        id: { S: randomUUID() },
        name: { S: name },
        description: { S: 'written by the propose-to-searchable benchmark' },
        status: { S: 'pending' },
        updatedAt: { S: new Date(now).toISOString() },
        updatedIn: { S: region },
        removed: { BOOL: false },
        lastEventAt: { N: String(now) },
        eventCount: { N: '1' },
        [ORIGIN_ATTRIBUTE]: { S: region },
      },
    }));
  };
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
  const [rate, seconds] = process.argv.slice(2, 4).map(Number);
  const via = process.argv[4] === 'read-model' ? 'read-model' : 'api';
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
    const result = await benchProposeToSearchable({ config, ratePerS: rate || undefined, seconds: seconds || undefined, via });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await stop();
  }
}
