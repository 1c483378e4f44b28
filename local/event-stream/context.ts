import { formatArn, parseArn } from '../../regions/arn.js';
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
  formatArn({ service: 'kinesis', region: ctx.region, accountId: ctx.accountId, resource: `stream/${name}` });

/** Newer SDK calls may name a stream by StreamARN instead of StreamName. */
export function streamNameOf(ctx: KinesisContext, input: Input): string {
  const name = optionalString(input, 'StreamName');
  if (name !== undefined) return name;
  const arn = optionalString(input, 'StreamARN');
  if (arn === undefined) throw new KinesisError('ValidationException', 'Either StreamName or StreamARN should be provided.');
  const parsed = parseArn(arn);
  const streamName = parsed?.service === 'kinesis' && parsed.resource.startsWith('stream/') ? parsed.resource.slice('stream/'.length) : '';
  if (!parsed || streamName === '' || parsed.region === '' || parsed.accountId === '') throw invalidArgument(`StreamARN ${arn} is not a Kinesis stream ARN`);
  if (parsed.region !== ctx.region || parsed.accountId !== ctx.accountId) {
    throw new KinesisError('ResourceNotFoundException', `Stream ${streamName} under account ${parsed.accountId} not found.`);
  }
  return streamName;
}

export function requireStream(ctx: KinesisContext, input: Input): StreamRow {
  return ctx.store.require(streamNameOf(ctx, input), ctx.accountId);
}

/** AWS JSON 1.1 timestamps are epoch seconds. */
export const epochSeconds = (ms: number): number => ms / 1000;
