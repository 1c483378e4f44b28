/** Starts a real object store on an ephemeral port with a temp dataDir, and a real S3 client for it. */
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStore, ObjectStoreOptions } from '../index.js';
import { startObjectStore } from '../index.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'meridian-s3-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function client(url: string, forcePathStyle = true): S3Client {
  return new S3Client({
    endpoint: url,
    region: REGION,
    forcePathStyle,
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  });
}

export async function start(dataDir: string, extra: Partial<ObjectStoreOptions> = {}): Promise<ObjectStore> {
  return startObjectStore({ region: REGION, accountId: ACCOUNT, port: 0, dataDir, log: () => {}, ...extra });
}

/** Polls until check passes (notifications are delivered after the write's response). */
export async function eventually<T>(check: () => T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Runs fn over items, `concurrency` at a time (filling a bucket faster than one request after another). */
export async function forEachConcurrently<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}
