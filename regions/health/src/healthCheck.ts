/** One dependency check: resolves when the dependency answered as it should, rejects (or hangs) otherwise. */
export type Check = (signal: AbortSignal) => Promise<void>;

export interface CheckResult {
  ok: boolean;
  ms: number;
  /** Why it failed (absent when ok): the dependency's error, or that it did not answer in time. */
  error?: string;
}

export interface HealthReport {
  region: string;
  checks: Record<string, CheckResult>;
  /** Names of the checks that failed, and `drill` while the drill switch forces a failure. */
  failed: string[];
}

export interface HealthOptions {
  region: string;
  checks: Record<string, Check>;
  /** Each check's own limit: one that has not answered by then fails (a hung dependency is a sick one). */
  timeoutMs: number;
  /** The drill switch: true forces the report unhealthy whatever the checks say. */
  drill?: () => Promise<boolean>;
  now?: () => number;
}

/**
 * Runs every check at once, each with its own timeout, and reports each one's outcome and time. The
 * slowest check bounds the answer (about timeoutMs), whatever the others do.
 */
export async function checkHealth(opts: HealthOptions): Promise<HealthReport> {
  const now = opts.now ?? (() => performance.now());
  const names = Object.keys(opts.checks);
  let drilled = false;
  const [results, drillOn] = await Promise.all([
    Promise.all(names.map((name) => timed(opts.checks[name]!, opts.timeoutMs, now))),
    // A drill switch that cannot be read (or not in time) is off: the checks already say what is wrong.
    opts.drill ? timed(async () => void (drilled = await opts.drill!()), opts.timeoutMs, now).then(() => drilled) : Promise.resolve(false),
  ]);
  const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
  const failed = names.filter((name) => !checks[name]!.ok);
  if (drillOn) failed.push('drill');
  return { region: opts.region, checks, failed };
}

async function timed(check: Check, timeoutMs: number, now: () => number): Promise<CheckResult> {
  const started = now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    await Promise.race([check(abort.signal), timeout]);
    return { ok: true, ms: elapsed(started, now) };
  } catch (e) {
    return { ok: false, ms: elapsed(started, now), error: messageOf(e) };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number, now: () => number) => Math.round((now() - started) * 10) / 10;

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}
