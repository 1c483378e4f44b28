import { abortableSleep } from './abortableSleep.js';
import { processBatch, type SourceRecord } from './batchProcessor.js';
import type { CheckpointStore } from './checkpointStore.js';
import type { SerializedError } from './functionError.js';
import type { RetryPolicy } from './retryPolicy.js';
import { iteratorProblem, type ShardPosition, type StreamDescription, type StreamShard, type StreamSource } from './streamSource.js';

export interface PollerDependencies {
  source: StreamSource;
  checkpoints: CheckpointStore;
  policy: RetryPolicy;
  isDeployed(): boolean;
  invoke(event: { Records: unknown[] }): Promise<unknown>;
  onFault(fault: { record: unknown; source: string; shardId: string; error: SerializedError; attempts: number }): void;
  log(message: string): void;
}

export interface PollerSettings {
  mappingId: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** The longest pause of a quiet shard (default 200 ms); longer where nudge() announces new records. */
  maxIdlePollMs?: number;
}

/**
 * How long an idle shard waits before asking again: 50 ms after records, doubling while the shard stays
 * quiet up to 200 ms. New records show up fast, and a region with dozens of mappings stays cheap idle.
 */
export const IDLE_POLL_MS = 50;
const MAX_IDLE_POLL_MS = 200;
/**
 * How often the shard list is read again (new shards, a re-created stream): every second after a change,
 * backing off to every 5 s while it stays the same (two calls to DynamoDB Local per read, per mapping);
 * a shard read to its end triggers it at once.
 */
const DISCOVERY_MS = 1000;
const MAX_DISCOVERY_MS = 5000;
const ERROR_BACKOFF_MS = 1000;

/**
 * One event source mapping: reads every shard in order, a child only after its parent is finished,
 * one batch at a time per shard, and checkpoints after each handled batch.
 */
export class EventSourcePoller {
  private controller: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly idleShards = new Set<() => void>();
  /** Counts nudges: a shard that was reading when one came does not pause after an empty page. */
  private nudges = 0;
  private lastLogged = '';

  constructor(
    private readonly settings: PollerSettings,
    private readonly deps: PollerDependencies,
  ) {}

  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    this.loop = this.discover(controller.signal);
  }

  /** New records are on the stream: shards waiting out an idle pause read now. */
  nudge(): void {
    this.nudges++;
    for (const done of [...this.idleShards]) done();
  }

  /** Stops polling; a batch in flight is abandoned without a checkpoint, so it is read again later. */
  async stop(): Promise<void> {
    this.controller?.abort(new Error('event source mapping stopped'));
    await this.loop;
    this.controller = undefined;
    this.loop = undefined;
  }

  private async discover(signal: AbortSignal): Promise<void> {
    const running = new Map<string, Promise<void>>();
    let seen = '';
    let interval = DISCOVERY_MS;
    while (!signal.aborted) {
      try {
        const stream = await this.deps.source.describe(signal);
        const shape = stream ? `${stream.streamId} ${stream.shards.map((s) => `${s.shardId}${s.closed ? '.' : ''}`).join(' ')}` : '';
        interval = stream && shape === seen ? Math.min(MAX_DISCOVERY_MS, interval * 2) : DISCOVERY_MS;
        seen = shape;
        if (stream) {
          this.rememberStream(stream);
          for (const shard of stream.shards) {
            const key = `${stream.streamId} ${shard.shardId}`;
            if (running.has(key) || !this.ready(stream, shard)) continue;
            const reading = this.readShard(stream, shard, signal)
              .catch(async (e: unknown) => {
                if (signal.aborted) return;
                this.warn(`shard ${shard.shardId}: ${describeError(e)}`);
                // Restarted from its checkpoint by the next discovery, not at once: an endpoint may be down.
                await abortableSleep(ERROR_BACKOFF_MS, signal).catch(() => undefined);
              })
              .finally(() => {
                running.delete(key);
                this.wake?.();
              });
            running.set(key, reading);
          }
        }
      } catch (e) {
        if (!signal.aborted) this.warn(`cannot describe the stream: ${describeError(e)}`);
        interval = DISCOVERY_MS;
      }
      await this.sleepUntilWoken(interval, signal);
    }
    await Promise.allSettled(running.values());
  }

  /*
   * The first time a mapping sees a stream, its starting position applies to the shards open then;
   * every shard that appears later is a child and is read from its beginning, so nothing is skipped.
   */
  private rememberStream(stream: StreamDescription): void {
    const { mappingId, startingPosition } = this.settings;
    const known = this.deps.checkpoints.knowsStream(mappingId, stream.streamId);
    for (const shard of stream.shards) {
      if (this.deps.checkpoints.get(mappingId, stream.streamId, shard.shardId)) continue;
      const skipClosed = !known && startingPosition === 'LATEST' && shard.closed;
      this.deps.checkpoints.save(mappingId, stream.streamId, shard.shardId, {
        sequenceNumber: null,
        finished: skipClosed,
        startAt: known ? 'TRIM_HORIZON' : startingPosition,
      });
    }
  }

  private ready(stream: StreamDescription, shard: StreamShard): boolean {
    const { mappingId } = this.settings;
    if (this.deps.checkpoints.get(mappingId, stream.streamId, shard.shardId)?.finished) return false;
    if (!shard.parentShardId || !stream.shards.some((s) => s.shardId === shard.parentShardId)) return true;
    return this.deps.checkpoints.get(mappingId, stream.streamId, shard.parentShardId)?.finished === true;
  }

  private async readShard(stream: StreamDescription, shard: StreamShard, signal: AbortSignal): Promise<void> {
    const { mappingId, batchSize } = this.settings;
    const { checkpoints, source } = this.deps;
    const saved = checkpoints.get(mappingId, stream.streamId, shard.shardId);
    let last = saved?.sequenceNumber ?? null;
    const startAt = saved?.startAt ?? 'TRIM_HORIZON';
    let iterator = await source.shardIterator(stream, shard.shardId, position(last, startAt), signal);
    let quiet = 0;
    while (iterator !== undefined) {
      if (!this.deps.isDeployed()) {
        // A mapping may be added before its function: wait for the deployment rather than fail records.
        await abortableSleep(IDLE_POLL_MS * 4, signal);
        continue;
      }
      let page: Awaited<ReturnType<StreamSource['getRecords']>>;
      const nudgesBefore = this.nudges;
      try {
        page = await source.getRecords(stream, shard.shardId, iterator, batchSize, signal);
      } catch (e) {
        const problem = iteratorProblem(e);
        if (!problem) throw e;
        // Trimmed: the checkpoint is older than the stream's retention; the oldest record left is next.
        if (problem === 'trimmed') this.warn(`shard ${shard.shardId}: records after ${last ?? 'the start'} were trimmed before they were read`);
        iterator = await source.shardIterator(stream, shard.shardId, problem === 'trimmed' ? { at: 'TRIM_HORIZON' } : position(last, startAt), signal);
        continue;
      }
      if (page.records.length > 0) {
        await this.handle(page.records, stream, shard.shardId, signal);
        last = page.records.at(-1)!.sequenceNumber;
        this.lastLogged = '';
      }
      iterator = page.nextIterator;
      // An empty page of an open shard changes no checkpoint: nothing to write.
      if (page.records.length > 0 || iterator === undefined) {
        checkpoints.save(mappingId, stream.streamId, shard.shardId, { sequenceNumber: last, finished: iterator === undefined, startAt });
      }
      if (page.records.length > 0) quiet = 0;
      else if (iterator !== undefined && this.nudges === nudgesBefore) {
        await this.idle(Math.min(this.settings.maxIdlePollMs ?? MAX_IDLE_POLL_MS, IDLE_POLL_MS * 2 ** quiet++), signal);
      }
    }
  }

  private handle(records: SourceRecord[], stream: StreamDescription, shardId: string, signal: AbortSignal): Promise<void> {
    return processBatch(records, {
      invoke: (batch) => this.deps.invoke({ Records: batch.map((r) => r.record) }),
      onFault: (record, error, attempts) => this.deps.onFault({ record: record.record, source: stream.eventSourceArn, shardId, error, attempts }),
      policy: this.deps.policy,
      signal,
    });
  }

  /** An idle shard's pause: cut short by nudge(); rejects when the signal aborts, like abortableSleep. */
  private async idle(ms: number, signal: AbortSignal): Promise<void> {
    let done!: () => void;
    const nudged = new Promise<void>((resolve) => (done = resolve));
    this.idleShards.add(done);
    try {
      await Promise.race([abortableSleep(ms, signal), nudged]);
    } finally {
      this.idleShards.delete(done);
      done();
    }
  }

  private async sleepUntilWoken(ms: number, signal: AbortSignal): Promise<void> {
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    await Promise.race([abortableSleep(ms, signal), woken]).catch(() => undefined);
    this.wake = undefined;
  }

  /** Logs a problem once until it changes, so an endpoint that is down does not flood the console. */
  private warn(message: string): void {
    if (message === this.lastLogged) return;
    this.lastLogged = message;
    this.deps.log(`[functions] mapping ${this.settings.mappingId}: ${message}`);
  }
}

function position(after: string | null, startAt: 'TRIM_HORIZON' | 'LATEST'): ShardPosition {
  return after ? { afterSequenceNumber: after } : { at: startAt };
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
