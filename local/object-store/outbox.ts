/**
 * Delivers notification messages written to the SQLite outbox in the same transaction as the write,
 * so a message is never sent for a write that did not commit and is not lost by a crash after it did
 * (pending ones go out after a restart). Delivery failures are retried briefly, then logged and dropped:
 * they never fail the write.
 */
import type { S3EventMessage } from './eventRecords.js';
import type { MetadataStore } from './store.js';

export type NotificationSink = (n: { topicArn: string; bucket: string; message: S3EventMessage }) => void | Promise<void>;

const RETRY_DELAYS_MS = [50, 250, 1000];

export class NotificationOutbox {
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly store: MetadataStore,
    private readonly sink: NotificationSink,
    private readonly log: (message: string) => void = (m) => console.error(m),
  ) {}

  /** Call after a commit that enqueued messages. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Finishes the delivery in flight (if any) and stops; undelivered messages stay for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const batch = this.store.pendingOutbox(100);
      if (batch.length === 0) return;
      for (const entry of batch) {
        if (this.closed) return;
        const settled = await this.deliver(entry.topicArn, entry.bucket, JSON.parse(entry.message) as S3EventMessage);
        if (!settled) return; // closing mid-retry: keep it for the next start
        this.store.removeOutbox(entry.id);
      }
    }
  }

  /** True once delivered or given up on; false when closing interrupted the retries. */
  private async deliver(topicArn: string, bucket: string, message: S3EventMessage): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.sink({ topicArn, bucket, message });
        return true;
      } catch (err) {
        const delay = RETRY_DELAYS_MS[attempt];
        if (this.closed) return false;
        if (delay === undefined) {
          this.log(`object-store: notification to ${topicArn} for bucket ${bucket} dropped after ${attempt + 1} attempts: ${String(err)}`);
          return true;
        }
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }
}
