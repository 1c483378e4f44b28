import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../index.js';
import { client, forEachConcurrently, removeDir, start, tempDir } from './harness.js';

let dir: string;
let store: ObjectStore;
let s3: S3Client;

beforeAll(async () => {
  dir = tempDir();
  store = await start(dir);
  s3 = client(store.url);
  await s3.send(new CreateBucketCommand({ Bucket: 'versioned' }));
});

afterAll(async () => {
  s3.destroy();
  await store.close();
  removeDir(dir);
});

async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; headers: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number }; $response?: { headers: Record<string, string> } };
    return { name: err.name, status: err.$metadata?.httpStatusCode, headers: err.$response?.headers ?? {} };
  }
  throw new Error('expected the call to fail');
}

describe('versioning', () => {
  it('reports no status until configured, then Enabled', async () => {
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status).toBeUndefined();
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'versioned', VersioningConfiguration: { Status: 'Enabled' } }));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status).toBe('Enabled');
  });

  it('keeps every version: two puts, two versions, the old body by version id', async () => {
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'doc', Body: 'first' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'doc', Body: 'second' }));
    expect(v1.VersionId).toBeTruthy();
    expect(v2.VersionId).toBeTruthy();
    expect(v1.VersionId).not.toBe(v2.VersionId);

    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned', Prefix: 'doc' }));
    expect((listed.Versions ?? []).map((v) => [v.VersionId, v.IsLatest, v.Size])).toEqual([
      [v2.VersionId, true, 6],
      [v1.VersionId, false, 5],
    ]);

    const latest = await s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'doc' }));
    expect(await latest.Body?.transformToString()).toBe('second');
    expect(latest.VersionId).toBe(v2.VersionId);
    const old = await s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'doc', VersionId: v1.VersionId }));
    expect(await old.Body?.transformToString()).toBe('first');
    const oldHead = await s3.send(new HeadObjectCommand({ Bucket: 'versioned', Key: 'doc', VersionId: v1.VersionId }));
    expect(oldHead.ContentLength).toBe(5);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'doc', VersionId: 'nope' })))).name).toBe('NoSuchVersion');
  });

  it('a plain delete adds a delete marker that hides the key but keeps its versions', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'gone', Body: 'still here underneath' }));
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'gone' }));
    expect(del.DeleteMarker).toBe(true);
    expect(del.VersionId).toBeTruthy();

    const get = await failure(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'gone' })));
    expect(get).toMatchObject({ name: 'NoSuchKey', status: 404 });
    expect(get.headers['x-amz-delete-marker']).toBe('true');
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: 'versioned', Key: 'gone' })))).status).toBe(404);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'versioned', Prefix: 'gone' }));
    expect(listed.KeyCount).toBe(0);

    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versioned', Prefix: 'gone' }));
    expect(versions.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest])).toEqual([[del.VersionId, true]]);
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsLatest])).toEqual([[put.VersionId, false]]);

    const byVersion = await s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'gone', VersionId: put.VersionId }));
    expect(await byVersion.Body?.transformToString()).toBe('still here underneath');
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'gone', VersionId: del.VersionId })))).status).toBe(405);

    // Deleting the marker itself brings the object back.
    const undelete = await s3.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'gone', VersionId: del.VersionId }));
    expect(undelete.DeleteMarker).toBe(true);
    expect(undelete.VersionId).toBe(del.VersionId);
    const back = await s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'gone' }));
    expect(await back.Body?.transformToString()).toBe('still here underneath');
  });

  it('deleting a specific version removes it for good; a bucket with versions is not empty', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'purge' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'purge', VersioningConfiguration: { Status: 'Enabled' } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'purge', Key: 'k', Body: 'x' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: 'purge', Key: 'k' }));
    expect((await failure(s3.send(new DeleteBucketCommand({ Bucket: 'purge' })))).name).toBe('BucketNotEmpty');
    await s3.send(new DeleteObjectCommand({ Bucket: 'purge', Key: 'k', VersionId: put.VersionId }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'purge', Key: 'k', VersionId: marker.VersionId }));
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'purge' }));
    expect(versions.Versions ?? []).toEqual([]);
    expect(versions.DeleteMarkers ?? []).toEqual([]);
    await s3.send(new DeleteBucketCommand({ Bucket: 'purge' }));
  });

  it('suspended versioning writes the null version in place', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'suspended' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'suspended', VersioningConfiguration: { Status: 'Enabled' } }));
    const kept = await s3.send(new PutObjectCommand({ Bucket: 'suspended', Key: 'k', Body: 'kept' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'suspended', VersioningConfiguration: { Status: 'Suspended' } }));
    const a = await s3.send(new PutObjectCommand({ Bucket: 'suspended', Key: 'k', Body: 'a' }));
    const b = await s3.send(new PutObjectCommand({ Bucket: 'suspended', Key: 'k', Body: 'b' }));
    // S3 sends no x-amz-version-id for a write to a suspended bucket, though the version is 'null'.
    expect([a.VersionId, b.VersionId]).toEqual([undefined, undefined]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'suspended', Key: 'k' }))).VersionId).toBe('null');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'suspended' }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual(['null', kept.VersionId]);
  });

  it('pages through versions with key and version-id markers', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'pages' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'pages', VersioningConfiguration: { Status: 'Enabled' } }));
    for (const key of ['a', 'b']) for (let i = 0; i < 3; i++) await s3.send(new PutObjectCommand({ Bucket: 'pages', Key: key, Body: `${key}${i}` }));
    const seen: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const res = await s3.send(new ListObjectVersionsCommand({ Bucket: 'pages', MaxKeys: 4, KeyMarker, VersionIdMarker }));
      seen.push(...(res.Versions ?? []).map((v) => `${v.Key}:${v.Size}`));
      if (!res.IsTruncated) break;
      KeyMarker = res.NextKeyMarker;
      VersionIdMarker = res.NextVersionIdMarker;
    }
    expect(seen).toEqual(['a:2', 'a:2', 'a:2', 'b:2', 'b:2', 'b:2']);
  });

  it('the usual emptying loop (list a page, delete it, list the next from the markers) empties 2,500 versions', async () => {
    const Bucket = 'emptied';
    await s3.send(new CreateBucketCommand({ Bucket }));
    const keys = Array.from({ length: 500 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    // Written before versioning is on: each key's oldest version is 'null', so every page of 1,000
    // ends on a 'null' version, which the loop deletes before asking for the next page.
    await forEachConcurrently(keys, 16, (Key) => s3.send(new PutObjectCommand({ Bucket, Key, Body: `${Key} null` })));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await forEachConcurrently(keys, 16, (Key) => s3.send(new PutObjectCommand({ Bucket, Key, Body: `${Key} versioned` })));
    // Each plain delete of a key adds a delete marker, even on top of another: three rounds, three markers a key.
    for (let round = 0; round < 3; round++) await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));

    let deleted = 0;
    let pages = 0;
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }));
      pages++;
      const Objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key, VersionId: v.VersionId }));
      if (Objects.length) {
        const res = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
        expect(res.Errors ?? []).toEqual([]);
        deleted += Objects.length;
      }
      if (!page.IsTruncated) break;
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    }
    expect({ deleted, pages }).toEqual({ deleted: 2500, pages: 3 });
    const left = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    expect([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])]).toEqual([]);
    await s3.send(new DeleteBucketCommand({ Bucket }));
  });

  it('resumes after a version-id marker whose version was deleted, mid-key, as S3 does', async () => {
    const Bucket = 'resume';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    for (const key of ['a', 'b']) for (let i = 0; i < 4; i++) await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: `${key}${i}` }));
    const first = await s3.send(new ListObjectVersionsCommand({ Bucket, MaxKeys: 3 }));
    expect(first.NextKeyMarker).toBe('a');
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'a', VersionId: first.NextVersionIdMarker }));
    const next = await s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker: 'a', VersionIdMarker: first.NextVersionIdMarker }));
    expect(next.Versions?.map((v) => `${v.Key}:${v.IsLatest}`)).toEqual(['a:false', 'b:true', 'b:false', 'b:false', 'b:false']);
    expect(
      (await failure(s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker: 'a', VersionIdMarker: 'not-a-version-this-store-made' })))).name,
    ).toBe('InvalidArgument');
  });
});
