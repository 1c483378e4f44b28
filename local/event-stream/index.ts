import { hostProblem, misdirected, requestedHost } from '../http/hostGuard.js';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { close, listen } from '../http/server.js';
import { openSqlite } from '../storage/sqlite.js';
import type { KinesisContext } from './context.js';
import { createDualProtocolServer } from './dualProtocol.js';
import { handleKinesisRequest } from './httpHandler.js';
import type { ShardReader } from './shardReader.js';
import { shardReaderOf } from './shardReader.js';
import { StreamStore } from './store.js';
import type { ShardWriteLimits } from './throughput.js';
import { AWS_SHARD_WRITE_LIMITS, ShardThrottle } from './throughput.js';

export type { KinesisRecord, ReadShardOptions, ShardBatch, ShardReader } from './shardReader.js';
export type { ShardWriteLimits } from './throughput.js';
export { AWS_SHARD_WRITE_LIMITS } from './throughput.js';

export interface EventStreamOptions {
  region: string;
  accountId: string;
  /** 0 picks an ephemeral port. */
  port: number;
  host?: string;
  /** Names besides the loopback ones this endpoint answers to (config/meridian.yml network.allowedHosts). */
  allowedHosts?: readonly string[];
  /** The region's state directory; the event stream keeps `event-stream.sqlite` in it. */
  dataDir: string;
  /** Per-shard write limits (AWS's by default); `false` turns throttling off. */
  shardWriteLimits?: ShardWriteLimits | false;
  /** How often records past retention are deleted; default one minute. */
  trimIntervalMs?: number;
  /** The clock, for tests of expiry and retention. */
  now?: () => number;
  /**
   * Hears the stream's name after each committed put: this region's stream pollers read at once instead
   * of at their next poll, as Kinesis pushes records to enhanced fan-out consumers.
   */
  onAppend?: (streamName: string) => void;
}

export interface EventStreamServer extends ShardReader {
  url: string;
  port: number;
  /** Deletes records older than their stream's retention now (it also runs on a timer). */
  trim(): number;
  close(): Promise<void>;
}

/** Starts one region's Kinesis-compatible event stream on HTTP, with its state in SQLite. */
export async function startEventStream(opts: EventStreamOptions): Promise<EventStreamServer> {
  const db = openSqlite(join(opts.dataDir, 'event-stream.sqlite'));
  const ctx: KinesisContext = {
    store: new StreamStore(db, opts.onAppend),
    region: opts.region,
    accountId: opts.accountId,
    throttle: new ShardThrottle(opts.shardWriteLimits ?? AWS_SHARD_WRITE_LIMITS),
    now: opts.now ?? Date.now,
  };
  const trim = (): number => ctx.store.trim(ctx.now());
  trim();
  const trimTimer = setInterval(trim, opts.trimIntervalMs ?? 60_000);
  trimTimer.unref();

  // HTTP/2 connections are piped to an internal port, so the Host is checked against the public one here.
  let publicPort = opts.port;
  const server = createDualProtocolServer((req) => {
    const problem = hostProblem(requestedHost(req.headers), { port: publicPort, allowedHosts: opts.allowedHosts ?? [] });
    return problem === undefined ? handleKinesisRequest(ctx, req) : Promise.resolve(misdirected(problem));
  });
  const host = opts.host ?? '127.0.0.1';
  try {
    await listen(server, opts.port, host);
  } catch (err) {
    clearInterval(trimTimer);
    db.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  publicPort = port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    trim,
    ...shardReaderOf(ctx),
    close: () =>
      (closed ??= (async () => {
        clearInterval(trimTimer);
        await close(server);
        db.close();
      })()),
  };
}
