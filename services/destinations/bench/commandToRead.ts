import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../../regions/config.js';

/*
 * Benchmark: a command accepted in one region → readable in the other (GET /destinations/{id} → 200),
 * and → validated there (status locationValidated), at a steady rate against a running local cloud.
 * Target (issue 4): p99 of accepted → readable < 500 ms at 20 commands/s.
 *
 *   npm run up && node --import tsx services/destinations/bench/commandToRead.ts [--rate 20] [--seconds 20]
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
  /** Pause between reads of one pending destination. */
  pollMs?: number;
  /** Give up on a destination after this long. */
  timeoutMs?: number;
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
  /** 202 received → first 200 from GET in the other region. */
  readable: LatencySummary;
  /** 202 received → status locationValidated in the other region. */
  validated: LatencySummary;
  failures: string[];
  /** GET requests per second the polling itself caused (load on the target region). */
  pollRatePerS: number;
  targetP99Ms: number;
  met: boolean;
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
  const apis = await regionApis(opts.frontDoor);
  const source = apis[from];
  const target = apis[to];
  if (!source || !target) throw new Error(`the cloud at ${opts.frontDoor} has no region ${!source ? from : to} (it has ${Object.keys(apis).join(', ')})`);

  // Warm-up: the first request to each function pays for its worker's first SDK calls.
  await commandAndWatch(source, target, 'warm-up', pollMs, timeoutMs).catch(() => undefined);

  const accepted: number[] = [];
  const readable: number[] = [];
  const validated: number[] = [];
  const failures: string[] = [];
  let polls = 0;
  const watchers: Promise<void>[] = [];
  const began = performance.now();
  const total = Math.round(rate * seconds);
  for (let i = 0; i < total; i++) {
    const due = began + (i * 1000) / rate;
    await sleep(Math.max(0, due - performance.now()));
    watchers.push(
      commandAndWatch(source, target, `bench ${i}`, pollMs, timeoutMs).then(
        (r) => {
          accepted.push(r.accepted);
          readable.push(r.readable);
          validated.push(r.validated);
          polls += r.polls;
        },
        (e: Error) => void failures.push(e.message),
      ),
    );
    if ((i + 1) % (rate * 5) === 0) log(`${i + 1}/${total} commands sent`);
  }
  await Promise.all(watchers);
  const elapsedS = (performance.now() - began) / 1000;
  const result: CommandToReadResult = {
    from,
    to,
    rate,
    seconds,
    commands: total,
    accepted: summary(accepted),
    readable: summary(readable),
    validated: summary(validated),
    failures,
    pollRatePerS: Math.round(polls / elapsedS),
    targetP99Ms: TARGET_P99_MS,
    met: failures.length === 0 && summary(readable).p99 < TARGET_P99_MS,
  };
  return result;
}

/** One command: POST in `source`, then GET in `target` until readable and until validated. */
async function commandAndWatch(source: string, target: string, name: string, pollMs: number, timeoutMs: number) {
  const t0 = performance.now();
  const res = await fetch(`${source}/destinations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, location: { lat: 38.7223, lon: -9.1393 } }),
  });
  const body = (await res.json()) as { id?: string; message?: string };
  if (res.status !== 202 || !body.id) throw new Error(`POST answered ${res.status}: ${body.message ?? ''}`);
  const t1 = performance.now();
  let readableAt: number | undefined;
  let polls = 0;
  for (;;) {
    const got = await fetch(`${target}/destinations/${body.id}`);
    polls++;
    const now = performance.now();
    if (got.status === 200) {
      readableAt ??= now;
      const view = (await got.json()) as { status?: string };
      if (view.status === 'locationValidated') return { accepted: t1 - t0, readable: readableAt - t1, validated: now - t1, polls };
    } else {
      await got.arrayBuffer();
    }
    if (now - t1 > timeoutMs) throw new Error(`${body.id} not ${readableAt ? 'validated' : 'readable'} in the other region after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

async function regionApis(frontDoor: string): Promise<Record<string, string>> {
  const res = await fetch(`${frontDoor}/_meridian/status`).catch((e: Error) => {
    throw new Error(`no local cloud answers at ${frontDoor} (${e.message}): start one with npm run up`);
  });
  const status = (await res.json()) as { ready?: boolean; regions?: { region: string; endpoints: Record<string, string> }[] };
  if (!status.ready) throw new Error(`the cloud at ${frontDoor} is not ready yet`);
  return Object.fromEntries((status.regions ?? []).flatMap((r) => (r.endpoints.api ? [[r.region, r.endpoints.api]] : [])));
}

function summary(xs: number[]): LatencySummary {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: round(at(50)), p99: round(at(99)), max: round(s.at(-1) ?? NaN) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
      `target p99 < ${result.targetP99Ms} ms: ${result.met ? 'met' : 'NOT met'}`,
  );
  process.exitCode = result.met ? 0 : 1;
}
