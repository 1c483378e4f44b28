import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import type { EventStreamOptions, EventStreamServer } from '../index.js';
import { startEventStream } from '../index.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-event-stream-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function start(dataDir: string, extra: Partial<EventStreamOptions> = {}): Promise<EventStreamServer> {
  return startEventStream({ region: REGION, accountId: ACCOUNT, port: 0, dataDir, ...extra });
}

export function clientFor(server: EventStreamServer): KinesisClient {
  return new KinesisClient({
    endpoint: server.url,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
