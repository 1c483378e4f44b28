/** The AWS CLI (`aws s3 ...`, the tool users point at the local cloud) against a real local object store. */
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../index.js';
import { client, removeDir, start, tempDir } from '../harness.js';
import { awsClientEnv, requireClient, run, type Run } from './awsClients.js';

let dir: string;
let work: string;
let store: ObjectStore;
let s3: S3Client;
let env: NodeJS.ProcessEnv;

/** `aws --endpoint-url <store> ...args`; the endpoint is always given. */
function aws(...args: string[]): Promise<Run> {
  return run('aws', ['--endpoint-url', store.url, ...args], env, work);
}

async function ok(...args: string[]): Promise<string> {
  const r = await aws(...args);
  expect(r, `aws ${args.join(' ')}`).toMatchObject({ code: 0 });
  return r.stdout;
}

beforeAll(async () => {
  dir = tempDir();
  work = tempDir();
  env = awsClientEnv(work);
  await requireClient(['aws', '--version'], env, 'the AWS CLI (Debian: awscli)');
  store = await start(dir);
  s3 = client(store.url);
});

afterAll(async () => {
  s3?.destroy();
  await store?.close();
  removeDir(dir);
  removeDir(work);
});

const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('AWS CLI', () => {
  it('s3 mb twice in us-east-1 succeeds both times (S3 answers 200 there), and s3 ls lists the bucket', async () => {
    expect(await ok('s3', 'mb', 's3://cli-bucket')).toContain('make_bucket: cli-bucket');
    expect(await ok('s3', 'mb', 's3://cli-bucket')).toContain('make_bucket: cli-bucket');
    expect(await ok('s3', 'ls')).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d cli-bucket/);
  });

  it('s3 cp of a 20 MB file goes up in parts and comes back byte for byte; s3 cp between keys copies by part', async () => {
    const original = randomBytes(20 * 1000 * 1000);
    writeFileSync(join(work, 'twenty.bin'), original);
    await ok('s3', 'cp', 'twenty.bin', 's3://cli-bucket/big/twenty.bin', '--no-progress');
    await ok('s3', 'cp', 's3://cli-bucket/big/twenty.bin', 'twenty.back', '--no-progress');
    expect(readFileSync(join(work, 'twenty.back')).equals(original)).toBe(true);
    // The CLI's 8 MiB parts: a multipart ETag with 3 parts.
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'cli-bucket', Key: 'big/twenty.bin' }));
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);

    await ok('s3', 'cp', 's3://cli-bucket/big/twenty.bin', 's3://cli-bucket/big/copy.bin', '--no-progress');
    const copied = await s3.send(new GetObjectCommand({ Bucket: 'cli-bucket', Key: 'big/copy.bin' }));
    expect(sha256(await copied.Body!.transformToByteArray())).toBe(sha256(original));
  });

  it('s3 sync uploads what changed only, deletes with --delete, and syncs back down', async () => {
    const tree = join(work, 'tree');
    mkdirSync(join(tree, 'a', 'b'), { recursive: true });
    const files: Record<string, string> = { 'a/one.txt': 'one', 'a/two.txt': 'two', 'a/b/deep.json': '{"deep":true}', 'top.txt': 'top' };
    // Written a minute ago: S3 keeps LastModified to the second, so a file written in the same second as its
    // upload looks newer than the copy and sync would send it again (on AWS too).
    const aMinuteAgo = new Date(Date.now() - 60_000);
    for (const [name, body] of Object.entries(files)) {
      writeFileSync(join(tree, name), body);
      utimesSync(join(tree, name), aMinuteAgo, aMinuteAgo);
    }
    const first = await ok('s3', 'sync', 'tree', 's3://cli-bucket/tree', '--no-progress');
    expect(first.trim().split('\n').sort()).toEqual(Object.keys(files).map((f) => `upload: tree/${f} to s3://cli-bucket/tree/${f}`).sort());
    expect(await ok('s3', 'sync', 'tree', 's3://cli-bucket/tree', '--no-progress')).toBe('');

    writeFileSync(join(tree, 'a', 'two.txt'), 'two, longer now');
    expect((await ok('s3', 'sync', 'tree', 's3://cli-bucket/tree', '--no-progress')).trim()).toBe('upload: tree/a/two.txt to s3://cli-bucket/tree/a/two.txt');
    await ok('s3', 'rm', 's3://cli-bucket/tree/top.txt');
    const listing = await ok('s3', 'ls', 's3://cli-bucket/tree/', '--recursive');
    expect(listing.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(2))).toEqual([
      ['13', 'tree/a/b/deep.json'],
      ['3', 'tree/a/one.txt'],
      ['15', 'tree/a/two.txt'],
    ]);
    expect(await ok('s3', 'ls', 's3://cli-bucket/tree/')).toContain('PRE a/');

    await ok('s3', 'sync', 's3://cli-bucket/tree', 'down', '--no-progress');
    expect(readFileSync(join(work, 'down', 'a', 'two.txt'), 'utf8')).toBe('two, longer now');
    expect(readFileSync(join(work, 'down', 'a', 'b', 'deep.json'), 'utf8')).toBe('{"deep":true}');
    rmSync(join(work, 'down', 'a', 'one.txt'));
    expect((await ok('s3', 'sync', 'down', 's3://cli-bucket/tree', '--delete', '--no-progress')).trim()).toBe('delete: s3://cli-bucket/tree/a/one.txt');
    expect((await ok('s3', 'ls', 's3://cli-bucket/tree/a/')).trim().split('\n').map((l) => l.trim().split(/\s+/).at(-1))).toEqual(['b/', 'two.txt']);
  });

  it('s3 rb --force on a versioned bucket with hundreds of versions fails as on AWS; emptied page by page it goes', async () => {
    await ok('s3', 'mb', 's3://cli-versions');
    await ok('s3api', 'put-bucket-versioning', '--bucket', 'cli-versions', '--versioning-configuration', 'Status=Enabled');
    const tree = join(work, 'versions');
    mkdirSync(tree, { recursive: true });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 100; i++) writeFileSync(join(tree, `f${String(i).padStart(3, '0')}.txt`), `round ${round} of ${i}`);
      await ok('s3', 'cp', 'versions', 's3://cli-versions/v', '--recursive', '--only-show-errors');
    }
    const count = async () => {
      let n = 0;
      let KeyMarker: string | undefined;
      let VersionIdMarker: string | undefined;
      for (;;) {
        const page = await s3.send(new ListObjectVersionsCommand({ Bucket: 'cli-versions', KeyMarker, VersionIdMarker }));
        n += (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0);
        if (!page.IsTruncated) return n;
        ({ NextKeyMarker: KeyMarker, NextVersionIdMarker: VersionIdMarker } = page);
      }
    };
    expect(await count()).toBe(200);

    // The CLI's documented behaviour: --force deletes the current objects (delete markers here), and
    // DeleteBucket then fails because the versions remain.
    const forced = await aws('s3', 'rb', 's3://cli-versions', '--force');
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('BucketNotEmpty');
    expect(await count()).toBe(300);

    // Emptying the documented way with the CLI alone: a page of versions, delete-objects for that
    // page, the next page from NextKeyMarker / NextVersionIdMarker.
    let markers: string[] = [];
    let pages = 0;
    for (;;) {
      const page = JSON.parse(await ok('s3api', 'list-object-versions', '--bucket', 'cli-versions', '--max-keys', '120', '--no-paginate', '--output', 'json', ...markers)) as {
        Versions?: Array<{ Key: string; VersionId: string }>;
        DeleteMarkers?: Array<{ Key: string; VersionId: string }>;
        IsTruncated: boolean;
        NextKeyMarker?: string;
        NextVersionIdMarker?: string;
      };
      pages++;
      const Objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map(({ Key, VersionId }) => ({ Key, VersionId }));
      if (Objects.length) await ok('s3api', 'delete-objects', '--bucket', 'cli-versions', '--delete', JSON.stringify({ Objects, Quiet: true }));
      if (!page.IsTruncated) break;
      markers = ['--key-marker', page.NextKeyMarker ?? '', '--version-id-marker', page.NextVersionIdMarker ?? ''];
    }
    expect(pages).toBe(3);
    expect(await count()).toBe(0);
    expect(await ok('s3', 'rb', 's3://cli-versions')).toContain('remove_bucket: cli-versions');
    expect(await s3.send(new HeadBucketCommand({ Bucket: 'cli-versions' })).catch((e: Error) => e.name)).toBe('NotFound');
  });
});
