import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../index.js';
import { client, removeDir, start, tempDir } from './harness.js';

let dir: string;
let store: ObjectStore;

beforeAll(async () => {
  dir = tempDir();
  store = await start(dir);
});

afterAll(async () => {
  await store.close();
  removeDir(dir);
});

describe('addressing', () => {
  it('the SDK uses path style by itself for an IP endpoint (no forcePathStyle)', async () => {
    const s3 = client(store.url, false);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'no-force' }));
      await s3.send(new PutObjectCommand({ Bucket: 'no-force', Key: 'a/b.txt', Body: 'path style' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'no-force', Key: 'a/b.txt' }));
      expect(await got.Body?.transformToString()).toBe('path style');
    } finally {
      s3.destroy();
    }
  });

  it('every response carries x-amz-request-id, errors included', async () => {
    const ok = await fetch(`${store.url}/`);
    expect(ok.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    const missing = await fetch(`${store.url}/no-such-bucket/key`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amz-request-id')).toMatch(/^[0-9A-F]{16}$/);
    expect(await missing.text()).toContain('<Code>NoSuchBucket</Code>');
    const unsupported = await fetch(`${store.url}/no-such-bucket?policy`);
    expect(unsupported.status).toBe(501);
    expect(await unsupported.text()).toContain('<Code>NotImplemented</Code>');
  });
});
