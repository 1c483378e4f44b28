import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { localCredentials } from '../../local/credentials.js';
import { dynamodbStreamSource } from '../../local/functions/dynamodbStreamSource.js';
import type { StreamDescription, StreamSource } from '../../local/functions/streamSource.js';
import { loadConfig } from '../../regions/config.js';

/*
 * Benchmark: a command accepted in one region → readable in the other (its read-model item there, which
 * GET /destinations/{id} answers with 200), and → validated there (status locationValidated), at a
 * steady rate against a running local cloud.
 * Target (issue 4): p99 of accepted → readable < 500 ms at 20 commands/s.
 *
 *   npm run up && node --import tsx bench/destinations/commandToRead.ts [--rate 20] [--seconds 20]
 *
 * Endpoints come from the front door's GET /_meridian/status (default front door from config/, so
 * MERIDIAN_PORT_OFFSET is honoured; --front-door URL overrides). bench/run.ts can call runCommandToRead().
 */

export interface CommandToReadOptions {
  /** The front door, e.g. http://127.0.0.1:4000 (its status names every region's API). */
  frontDoor: string;
  from?: string;
  to?: string;
  /** Commands per second. */
  rate?: number;
  seconds?: number;
  /** Pause between reads of the target read-model table's stream (one GetRecords a shard, whatever is awaited). */
  pollMs?: number;
  /** The read-model table (stage local by default). */
  table?: string;
  /** Give up on a destination after this long. */
  timeoutMs?: number;
  /** Commands at the same rate before measuring (JIT of the JVMs and workers, stream pollers at speed); default 5 s. */
  warmupSeconds?: number;
  log?: (line: string) => void;
}

export interface LatencySummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface CommandToReadResult {
  from: string;
  to: string;
  rate: number;
  seconds: number;
  commands: number;
  /** POST round trip in the origin region (202). */
  accepted: LatencySummary;
  /** 202 received → the destination is in the other region's read model (what GET answers with 200). */
  readable: LatencySummary;
  /** 202 received → status locationValidated in the other region. */
  validated: LatencySummary;
  failures: string[];
  /** Stream reads per second the watcher itself caused (load on the target region's DynamoDB). */
  pollRatePerS: number;
  targetP99Ms: number;
  met: boolean;
  /** The machine's 1-minute load average before and after: the local cloud shares its cores with everything else. */
  loadAverage: { before: number; after: number; cores: number };
  /** Services deployed in the target region while measuring (search reacts to every read-model write). */
  servicesDeployed: string[];
}

const TARGET_P99_MS = 500;

export async function runCommandToRead(opts: CommandToReadOptions): Promise<CommandToReadResult> {
  const from = opts.from ?? 'us-east-1';
  const to = opts.to ?? 'us-west-2';
  const rate = opts.rate ?? 20;
  const seconds = opts.seconds ?? 20;
  const pollMs = opts.pollMs ?? 20;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const log = opts.log ?? (() => {});
  const regions = await regionEndpoints(opts.frontDoor);
  const loadBefore = loadavg()[0]!;
  const source = regions[from];
  const target = regions[to];
  if (!source || !target) throw new Error(`the cloud at ${opts.frontDoor} has no region ${!source ? from : to} (it has ${Object.keys(regions).join(', ')})`);
  const watcher = new ReadModelWatcher(target.dynamodb, to, opts.table ?? 'destinations-local-read-model', pollMs);
  try {
    await watcher.ready();
    // Warm-up at the same rate, drained before measuring: a fresh cloud's JVMs and workers are cold.
    const warmup: Promise<unknown>[] = [];
    const warmupBegan = performance.now();
    for (let i = 0; i < Math.round(rate * (opts.warmupSeconds ?? 5)); i++) {
      await sleep(Math.max(0, warmupBegan + (i * 1000) / rate - performance.now()));
      warmup.push(propose(source.api, `warm-up ${i}`).then((id) => watcher.until(id, timeoutMs * 4)).catch(() => undefined));
    }
    await Promise.all(warmup);
    log('warmed up');

    const accepted: number[] = [];
    const readable: number[] = [];
    const validated: number[] = [];
    const failures: string[] = [];
    const commands: Promise<void>[] = [];
    const began = performance.now();
    const total = Math.round(rate * seconds);
    for (let i = 0; i < total; i++) {
      const due = began + (i * 1000) / rate;
      await sleep(Math.max(0, due - performance.now()));
      commands.push((async () => {
        const t0 = performance.now();
        const id = await propose(source.api, `bench ${i}`);
        const t1 = performance.now();
        accepted.push(t1 - t0);
        const seen = await watcher.until(id, timeoutMs);
        readable.push(seen.readable - t1);
        validated.push(seen.validated - t1);
      })().catch((e: Error) => void failures.push(e.message)));
      if ((i + 1) % (rate * 5) === 0) log(`${i + 1}/${total} commands sent`);
    }
    await Promise.all(commands);
    // The API answers what the table holds: check a sample through it, as a user reads.
    const sample = await (await fetch(`${target.api}/destinations/${watcher.lastSeen ?? 'none'}`)).json() as { status?: string };
    if (sample.status !== 'locationValidated') failures.push(`GET in ${to} answered ${JSON.stringify(sample)} for a destination its table holds`);
    return {
      from,
      to,
      rate,
      seconds,
      commands: total,
      accepted: summary(accepted),
      readable: summary(readable),
      validated: summary(validated),
      failures,
      pollRatePerS: Math.round(1000 / pollMs),
      targetP99Ms: TARGET_P99_MS,
      met: failures.length === 0 && summary(readable).p99 < TARGET_P99_MS,
      loadAverage: { before: round1(loadBefore), after: round1(loadavg()[0]!), cores: cpus().length },
      servicesDeployed: target.services,
    };
  } finally {
    watcher.close();
  }
}

async function propose(api: string, name: string): Promise<string> {
  const res = await fetch(`${api}/destinations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, location: { lat: 38.7223, lon: -9.1393 } }),
  });
  const body = (await res.json()) as { id?: string; message?: string };
  if (res.status !== 202 || !body.id) throw new Error(`POST answered ${res.status}: ${body.message ?? ''}`);
  return body.id;
}

/**
 * Watches the target region's read-model table through its DynamoDB stream, read in a tight loop: a
 * record appears once the replicated write has landed, so the moment it is seen is when a GET there
 * would first answer 200 (up to one poll later). The load it adds is one GetRecords per poll whatever the
 * number of destinations awaited; polling the table per key grew with the backlog and slowed the very
 * region it measured.
 */
class ReadModelWatcher {
  private readonly source: StreamSource;
  private readonly waiting = new Map<string, { readable?: number; resolve: (t: { readable: number; validated: number }) => void }>();
  /** Seen before anyone awaited them (a fast replication can beat the POST's answer). */
  private readonly early = new Map<string, { readable?: number; validated?: number }>();
  private readonly controller = new AbortController();
  private readonly loop: Promise<void>;
  private started = false;
  private failure: Error | undefined;
  lastSeen: string | undefined;

  constructor(endpoint: string, region: string, table: string, private readonly pollMs: number) {
    this.source = dynamodbStreamSource({
      client: { endpoint, region, credentials: localCredentials, maxAttempts: 2 },
      tableName: table,
      region,
      accountId: '000000000000',
    });
    this.loop = this.follow(this.controller.signal).catch((e: unknown) => {
      if (!this.controller.signal.aborted) this.failure = e instanceof Error ? e : new Error(String(e));
    });
  }

  /** Resolves once the stream is being read from its end, so nothing written after is missed. */
  async ready(): Promise<void> {
    while (!this.started) {
      if (this.failure) throw this.failure;
      await sleep(20);
    }
  }

  until(id: string, timeoutMs: number): Promise<{ readable: number; validated: number }> {
    const seen = this.early.get(id);
    this.early.delete(id);
    if (seen?.validated !== undefined) return Promise.resolve({ readable: seen.readable ?? seen.validated, validated: seen.validated });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const w = this.waiting.get(id);
        this.waiting.delete(id);
        reject(new Error(`${id} not ${w?.readable ? 'validated' : 'readable'} in the other region after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, { readable: seen?.readable, resolve: (t) => (clearTimeout(timer), resolve(t)) });
    });
  }

  /*
   * A read that fails (a timeout under load, an expired iterator) must not end the watch: the shard is
   * taken up again right after the last record seen, so every later write is still observed.
   */
  private async follow(signal: AbortSignal): Promise<void> {
    const shards = new Map<string, { iterator: string | undefined; after: string | undefined; from: 'LATEST' | 'TRIM_HORIZON'; done?: boolean }>();
    let stream: StreamDescription | undefined;
    let described = -Infinity;
    while (!signal.aborted) {
      try {
        if (performance.now() - described > 1000) {
          stream = await this.source.describe(signal);
          if (!stream) throw new Error('the read-model table in the target region has no stream: is destinations deployed there?');
          for (const shard of stream.shards) {
            // Shards open when watching starts are read from their end; a shard that appears later is read whole.
            if (!shards.has(shard.shardId)) shards.set(shard.shardId, { iterator: undefined, after: undefined, from: this.started ? 'TRIM_HORIZON' : 'LATEST' });
          }
          described = performance.now();
        }
        for (const [shardId, shard] of shards) {
          if (!stream) break;
          if (shard.done) continue;
          if (shard.iterator === undefined) {
            const position = shard.after ? { afterSequenceNumber: shard.after } : { at: shard.from };
            shard.iterator = await this.source.shardIterator(stream, shardId, position, signal);
            if (shard.iterator === undefined) {
              shard.done = true;
              continue;
            }
          }
          const page = await this.source.getRecords(stream, shardId, shard.iterator, 1000, signal);
          this.observe(page.records.map((r) => r.record as StreamedItem));
          shard.after = page.records.at(-1)?.sequenceNumber ?? shard.after;
          shard.iterator = page.nextIterator;
          shard.done = page.nextIterator === undefined; // a closed shard, read to its end
        }
        this.started = true;
      } catch (e) {
        if (signal.aborted) return;
        if (!this.started) throw e;
        for (const shard of shards.values()) shard.iterator = undefined;
        described = -Infinity;
        await sleep(200);
      }
      await sleep(this.pollMs);
    }
  }

  private observe(records: StreamedItem[]): void {
    const now = performance.now();
    for (const record of records) {
      const image = record.dynamodb?.NewImage;
      const id = image?.id?.S;
      if (!id) continue;
      const validated = image.status?.S === 'locationValidated';
      const w = this.waiting.get(id);
      if (!w) {
        const e = this.early.get(id) ?? {};
        e.readable ??= now;
        if (validated) e.validated ??= now;
        this.early.set(id, e);
        continue;
      }
      w.readable ??= now;
      if (validated) {
        this.waiting.delete(id);
        this.lastSeen = id;
        w.resolve({ readable: w.readable, validated: now });
      }
    }
  }

  close(): void {
    this.controller.abort();
    void this.loop.finally(() => this.source.close());
  }
}

interface StreamedItem {
  dynamodb?: { NewImage?: { id?: { S?: string }; status?: { S?: string } } };
}

async function regionEndpoints(frontDoor: string): Promise<Record<string, { api: string; dynamodb: string; services: string[] }>> {
  const res = await fetch(`${frontDoor}/_meridian/status`).catch((e: Error) => {
    throw new Error(`no local cloud answers at ${frontDoor} (${e.message}): start one with npm run up`);
  });
  const status = (await res.json()) as { ready?: boolean; regions?: { region: string; endpoints: Record<string, string>; deployed?: { services?: { service: string }[] } }[] };
  if (!status.ready) throw new Error(`the cloud at ${frontDoor} is not ready yet`);
  return Object.fromEntries((status.regions ?? []).flatMap((r) =>
    r.endpoints.api && r.endpoints.dynamodb
      ? [[r.region, { api: r.endpoints.api, dynamodb: r.endpoints.dynamodb, services: (r.deployed?.services ?? []).map((d) => d.service) }]]
      : []));
}

function summary(xs: number[]): LatencySummary {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: round(at(50)), p99: round(at(99)), max: round(s.at(-1) ?? NaN) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round1 = (x: number) => Math.round(x * 10) / 10;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const frontDoor = arg('front-door') ?? `http://127.0.0.1:${loadConfig().frontDoor.port}`;
  const result = await runCommandToRead({
    frontDoor,
    rate: Number(arg('rate') ?? 20),
    seconds: Number(arg('seconds') ?? 20),
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result, null, 2));
  console.error(
    `accepted in ${result.from} → readable in ${result.to}: p50 ${result.readable.p50} ms, p99 ${result.readable.p99} ms ` +
      `(→ validated p50 ${result.validated.p50} ms, p99 ${result.validated.p99} ms; POST p50 ${result.accepted.p50} ms) at ${result.rate}/s; ` +
      `target p99 < ${result.targetP99Ms} ms: ${result.met ? 'met' : 'NOT met'} (load average ${result.loadAverage.before} → ${result.loadAverage.after} on ${result.loadAverage.cores} cores; deployed: ${result.servicesDeployed.join(', ')})`,
  );
  process.exitCode = result.met ? 0 : 1;
}
