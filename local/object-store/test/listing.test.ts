import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../index.js';
import { client, removeDir, start, tempDir } from './harness.js';

let dir: string;
let store: ObjectStore;
let s3: S3Client;

const KEYS = ['a.txt', 'b/1.json', 'b/2.json', 'b/deep/3.json', 'c/1.json', 'd.txt', 'e/f/g.txt', 'z.txt'];

beforeAll(async () => {
  dir = tempDir();
  store = await start(dir);
  s3 = client(store.url);
  await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
  for (const Key of [...KEYS].reverse()) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }));
});

afterAll(async () => {
  s3.destroy();
  await store.close();
  removeDir(dir);
});

describe('ListObjectsV2', () => {
  it('lists every key in order with sizes and etags', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: 'listing' }));
    expect(res.Contents?.map((c) => c.Key)).toEqual(KEYS);
    expect(res.KeyCount).toBe(KEYS.length);
    expect(res.IsTruncated).toBe(false);
    expect(res.Contents?.[0]).toMatchObject({ Size: 5, StorageClass: 'STANDARD' });
    expect(res.Contents?.[0]?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('paginates with max-keys and continuation tokens', async () => {
    const seen: string[] = [];
    let ContinuationToken: string | undefined;
    let pages = 0;
    do {
      const res = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 3, ContinuationToken }));
      pages++;
      expect(res.KeyCount).toBeLessThanOrEqual(3);
      seen.push(...(res.Contents ?? []).map((c) => c.Key ?? ''));
      ContinuationToken = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (ContinuationToken);
    expect(seen).toEqual(KEYS);
    expect(pages).toBe(3);
  });

  it('rolls keys up into CommonPrefixes with a delimiter, across pages too', async () => {
    const res = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    expect(res.Contents?.map((c) => c.Key)).toEqual(['a.txt', 'd.txt', 'z.txt']);
    expect(res.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/', 'c/', 'e/']);
    expect(res.KeyCount).toBe(6);

    const nested = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', Prefix: 'b/' }));
    expect(nested.Contents?.map((c) => c.Key)).toEqual(['b/1.json', 'b/2.json']);
    expect(nested.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/deep/']);

    const entries: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/', MaxKeys: 2, ContinuationToken }));
      entries.push(...(page.Contents ?? []).map((c) => c.Key ?? ''), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ''));
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    expect(entries.sort()).toEqual(['a.txt', 'b/', 'c/', 'd.txt', 'e/', 'z.txt']);
  });

  it('honours prefix and start-after', async () => {
    const prefixed = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'b/' }));
    expect(prefixed.Contents?.map((c) => c.Key)).toEqual(['b/1.json', 'b/2.json', 'b/deep/3.json']);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'c/1.json' }));
    expect(after.Contents?.map((c) => c.Key)).toEqual(['d.txt', 'e/f/g.txt', 'z.txt']);
  });

  it('answers the v1 ListObjects too', async () => {
    const res = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Delimiter: '/', MaxKeys: 2 }));
    expect(res.Contents?.map((c) => c.Key)).toEqual(['a.txt']);
    expect(res.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['b/']);
    expect(res.IsTruncated).toBe(true);
    const next = await s3.send(new ListObjectsCommand({ Bucket: 'listing', Delimiter: '/', Marker: res.NextMarker }));
    expect(next.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['c/', 'e/']);
  });

  it('max-keys=0 asks for an empty page: complete, not truncated, no token (as S3 answers)', async () => {
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 0 }));
    expect(v2).toMatchObject({ KeyCount: 0, IsTruncated: false, MaxKeys: 0 });
    expect(v2.NextContinuationToken).toBeUndefined();
    expect(v2.Contents).toBeUndefined();
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'listing', MaxKeys: 0, Delimiter: '/' }));
    expect(v1).toMatchObject({ IsTruncated: false });
    expect(v1.NextMarker).toBeUndefined();
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'listing', MaxKeys: 0 }));
    expect(versions).toMatchObject({ IsTruncated: false });
    expect(versions.NextKeyMarker).toBeUndefined();
  });
});
