import type { StreamRow, StreamStore } from './store.js';
import type { ShardThrottle } from './throughput.js';
import type { Input } from './input.js';
import { optionalString } from './input.js';
import { KinesisError, invalidArgument } from './errors.js';

/** What every operation needs: the store, the region identity, and the clock. */
export interface KinesisContext {
  store: StreamStore;
  region: string;
  accountId: string;
  throttle: ShardThrottle;
  now(): number;
}

export const streamArn = (ctx: KinesisContext, name: string): string =>
  `arn:aws:kinesis:${ctx.region}:${ctx.accountId}:stream/${name}`;

/** Newer SDK calls may name a stream by StreamARN instead of StreamName. */
export function streamNameOf(ctx: KinesisContext, input: Input): string {
  const name = optionalString(input, 'StreamName');
  if (name !== undefined) return name;
  const arn = optionalString(input, 'StreamARN');
  if (arn === undefined) throw new KinesisError('ValidationException', 'Either StreamName or StreamARN should be provided.');
  const m = /^arn:aws[a-z-]*:kinesis:([^:]+):(\d+):stream\/(.+)$/.exec(arn);
  if (!m) throw invalidArgument(`StreamARN ${arn} is not a Kinesis stream ARN`);
  if (m[1] !== ctx.region || m[2] !== ctx.accountId) {
    throw new KinesisError('ResourceNotFoundException', `Stream ${m[3]} under account ${m[2]} not found.`);
  }
  return m[3] ?? '';
}

export function requireStream(ctx: KinesisContext, input: Input): StreamRow {
  return ctx.store.require(streamNameOf(ctx, input), ctx.accountId);
}

/** AWS JSON 1.1 timestamps are epoch seconds. */
export const epochSeconds = (ms: number): number => ms / 1000;
