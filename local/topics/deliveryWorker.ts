import type { TopicStore, PendingDelivery } from './store.js';
import type { TopicsDeliveryTarget } from './types.js';
import { backoffMs, type RetryPolicy } from '../functions/retryPolicy.js';

/** Deliveries run concurrently (Lambda's async invocations do), up to this many at once. */
const MAX_IN_FLIGHT = 32;

/**
 * Delivers pending rows from the store: each success deletes its row, each failure reschedules it
 * with backoff until the policy's retries are used up, then the row becomes a fault. Rows are only
 * ever removed after the target answered, so a crash means redelivery, never loss.
 */
export class DeliveryWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly store: TopicStore,
    private readonly target: TopicsDeliveryTarget['deliver'],
    private readonly policy: RetryPolicy,
    private readonly now: () => number,
  ) {}

  /** Looks for due work soon; called after Publish and whenever a delivery settles. */
  kick(): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Resolves once nothing is pending: every message delivered or recorded as a fault. */
  whenIdle(): Promise<void> {
    if (this.store.pendingCount() === 0 && this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking work and waits up to `graceMs` for deliveries in flight; unfinished ones stay pending. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (timeout = setTimeout(r, graceMs)))]);
    clearTimeout(timeout);
  }

  private pump(): void {
    if (this.stopped) return;
    const room = MAX_IN_FLIGHT - this.inFlight.size;
    if (room > 0) {
      for (const d of this.store.leaseDue(this.now(), room)) {
        const p = this.attempt(d).finally(() => {
          this.inFlight.delete(p);
          this.kick();
        });
        this.inFlight.add(p);
      }
    }
    this.scheduleNextDue();
    if (this.inFlight.size === 0 && this.store.pendingCount() === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private scheduleNextDue(): void {
    clearTimeout(this.timer);
    const due = this.store.nextDueMs();
    if (due === undefined) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, due - this.now()));
    this.timer.unref();
  }

  private async attempt(d: PendingDelivery): Promise<void> {
    let error: string | undefined;
    try {
      await this.target(d.functionArn, d.event);
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    // After stop() the database may be closed; the row stays pending and is redelivered on restart.
    if (this.stopped) return;
    if (error === undefined) return this.store.delivered(d.id);
    const attempts = d.attempts + 1;
    if (attempts > this.policy.maximumRetryAttempts) this.store.fault(d, attempts, error, this.now());
    else this.store.retryLater(d.id, attempts, error, this.now() + backoffMs(this.policy, attempts));
  }
}
