import { Agent, request } from 'node:http';
import type { Origin, OriginDirectory } from '../front-door/originDirectory.js';

/** One region as the directory watches it. */
export interface WatchedRegion {
  region: string;
  /** Base URL of the region's API (its /health is the health service's route). */
  api: string;
  /** Whether the region's process is up: a region that is down is unhealthy at once, without waiting for a check. */
  processUp(): boolean;
}

export interface HealthDirectoryOptions {
  /** Nearest first (config's latency rank). */
  regions: readonly WatchedRegion[];
  /** How often each region's /health is asked (config/meridian.yml frontDoor.healthCheckIntervalMs). */
  intervalMs: number;
  /** A check not answered by then failed; below the interval, so a check is over before the next starts. Default 0.9 × interval. */
  timeoutMs?: number;
  /** The health service's path on every region's API. */
  path?: string;
  log?: (line: string) => void;
}

/** What the last check of a region said (for `meridian status`). */
export interface RegionHealth {
  region: string;
  health: Origin['health'];
  /** Consecutive passes and failures, and the last answer: its status (0 when none came) and what it named as failed. */
  passes: number;
  failures: number;
  last?: { at: string; status: number; failed: string[]; error?: string };
}

/**
 * A region is unhealthy after ONE failed check (a 503, another status, no answer in time, refused): a fault
 * that starts just after a check is seen by the next one, at most one interval later, and that check ends
 * within its timeout (< one interval): all traffic has moved within two intervals. A threshold of 2 would
 * take up to two intervals plus a timeout, over the target. Coming back takes TWO passes in a row, so a
 * region whose checks fail every other time is not handed traffic back and forth. Nothing is known
 * before the first check: a region whose process is up starts healthy (as Route 53's checks start).
 */
export const UNHEALTHY_AFTER = 1;
export const HEALTHY_AFTER = 2;

/**
 * The front door's origins, from polling every region's GET /health (Route 53's health checks, locally).
 * Probes reuse kept-alive connections: one small request per region per interval.
 */
export class HealthDirectory implements OriginDirectory {
  private readonly state = new Map<string, RegionHealth>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly timeoutMs: number;
  private readonly path: string;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: HealthDirectoryOptions) {
    this.timeoutMs = opts.timeoutMs ?? Math.round(opts.intervalMs * 0.9);
    this.path = opts.path ?? '/health';
    this.log = opts.log ?? (() => {});
    for (const r of opts.regions) this.state.set(r.region, { region: r.region, health: 'healthy', passes: 0, failures: 0 });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.checkAll(), this.opts.intervalMs);
    this.timer.unref();
    this.checkAll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.agent.destroy();
  }

  /**
   * When no region whose process is up passes its checks, all of those count as healthy, as Route 53 does
   * when every record of a group is unhealthy: checks that all fail at once (an overloaded machine, probes
   * timing out) more likely say the checks are wrong than that every region is, and refusing every request
   * would be the worse answer.
   */
  originsNearestFirst(): Origin[] {
    const origins = this.opts.regions.map((r) => ({ region: r.region, api: r.api, health: this.healthOf(r) }));
    if (origins.some((o) => o.health === 'healthy')) return origins;
    return this.opts.regions.map((r, i) => ({ ...origins[i]!, health: r.processUp() ? 'healthy' : 'unhealthy' }));
  }

  /** Every region's health now, with its last check, nearest first. */
  report(): RegionHealth[] {
    return this.opts.regions.map((r) => ({ ...this.state.get(r.region)!, health: this.healthOf(r) }));
  }

  /** Checks every region now (a test's or a caller's "don't wait for the next interval"). */
  checkAll(): Promise<void> {
    return Promise.all(this.opts.regions.map((r) => this.check(r))).then(() => undefined);
  }

  private healthOf(r: WatchedRegion): Origin['health'] {
    return r.processUp() ? this.state.get(r.region)!.health : 'unhealthy';
  }

  private async check(r: WatchedRegion): Promise<void> {
    // A region that is down is unhealthy without asking; a check still running is not doubled.
    if (!r.processUp() || this.inFlight.has(r.region)) return;
    this.inFlight.add(r.region);
    try {
      const answer = await this.probe(r);
      this.record(r.region, answer);
    } finally {
      this.inFlight.delete(r.region);
    }
  }

  private record(region: string, answer: { status: number; failed: string[]; error?: string }): void {
    const s = this.state.get(region)!;
    // 404: the region has no health service (a cloud started without deploying regions/health): it is
    // judged by its process alone, as before health checks existed, rather than refusing every request.
    const passed = answer.status === 200 || answer.status === 404;
    s.passes = passed ? s.passes + 1 : 0;
    s.failures = passed ? 0 : s.failures + 1;
    s.last = { at: new Date().toISOString(), ...answer };
    const before = s.health;
    if (!passed && s.failures >= UNHEALTHY_AFTER) s.health = 'unhealthy';
    if (passed && s.health === 'unhealthy' && s.passes >= HEALTHY_AFTER) s.health = 'healthy';
    if (s.health !== before) {
      const why = passed ? '' : `: ${answer.failed.length ? `${answer.failed.join(', ')} failed` : answer.error ?? `status ${answer.status}`}`;
      this.log(`${region} is now ${s.health}${why}`);
    }
  }

  private probe(r: WatchedRegion): Promise<{ status: number; failed: string[]; error?: string }> {
    return new Promise((resolve) => {
      const req = request(new URL(this.path, r.api), { agent: this.agent, timeout: this.timeoutMs, signal: AbortSignal.timeout(this.timeoutMs) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, failed: failedChecks(Buffer.concat(chunks).toString('utf8')), ...(status === 404 ? { error: 'no health service deployed: judged by its process only' } : {}) });
        });
        res.on('error', (e) => resolve({ status: 0, failed: [], error: e.message }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => resolve({ status: 0, failed: [], error: e.name === 'AbortError' ? `no answer within ${this.timeoutMs} ms` : e.message }));
      req.end();
    });
  }
}

/** What a 503 of the health service names as failed (its `failed` list); nothing for any other body. */
function failedChecks(body: string): string[] {
  try {
    const failed = (JSON.parse(body) as { failed?: unknown }).failed;
    return Array.isArray(failed) ? failed.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}
