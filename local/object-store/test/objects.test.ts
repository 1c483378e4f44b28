import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../index.js';
import { client, removeDir, start, tempDir } from './harness.js';

let dir: string;
let store: ObjectStore;
let s3: S3Client;

beforeAll(async () => {
  dir = tempDir();
  store = await start(dir, { maxObjectSize: 1024 * 1024 });
  s3 = client(store.url);
  await s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
});

afterAll(async () => {
  s3.destroy();
  await store.close();
  removeDir(dir);
});

async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).name;
  }
  return 'no error';
}

describe('objects', () => {
  it('round-trips body, metadata, content type, cache control and content encoding', async () => {
    const body = Buffer.from('{"hello":"world"}');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'objects',
        Key: 'views/dest 1.json',
        Body: body,
        ContentType: 'application/json',
        CacheControl: 'max-age=60',
        ContentEncoding: 'identity',
        Metadata: { origin: 'meridian-us-east-1', Mixed: 'Case' },
      }),
    );
    const md5 = createHash('md5').update(body).digest('hex');
    expect(put.ETag).toBe(`"${md5}"`);
    expect(put.VersionId).toBeUndefined();

    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'views/dest 1.json' }));
    expect(await got.Body?.transformToString()).toBe('{"hello":"world"}');
    expect(got.ContentType).toBe('application/json');
    expect(got.CacheControl).toBe('max-age=60');
    expect(got.ContentEncoding).toBe('identity');
    expect(got.ContentLength).toBe(body.length);
    expect(got.ETag).toBe(`"${md5}"`);
    expect(got.Metadata).toEqual({ origin: 'meridian-us-east-1', mixed: 'Case' });
    expect(got.LastModified).toBeInstanceOf(Date);
    expect(got.$metadata.httpStatusCode).toBe(200);

    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'views/dest 1.json' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.Metadata).toEqual({ origin: 'meridian-us-east-1', mixed: 'Case' });
    expect(head.LastModified?.getTime()).toBe(got.LastModified?.getTime());
  });

  it('decodes aws-chunked streaming uploads: a Readable body round-trips byte-exact', async () => {
    const bytes = randomBytes(300 * 1024 + 17);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'stream.bin', Body: Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), ContentLength: bytes.length }),
    );
    expect(put.ETag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'stream.bin' }));
    expect(got.ContentEncoding).toBeUndefined();
    const back = Buffer.from((await got.Body?.transformToByteArray()) ?? []);
    expect(back.equals(bytes)).toBe(true);
  });

  it('decides aws-chunked from x-amz-content-sha256, not Content-Encoding: a plain body so labelled is stored as sent', async () => {
    const body = gzipSync('not framed, just gzip');
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'labelled.gz', Body: body, ContentEncoding: 'gzip, aws-chunked' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'labelled.gz' }));
    expect(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body)).toBe(true);
    expect(got.ContentEncoding).toBe('gzip');
    // Without an SDK in between: the same for an unsigned plain body.
    const raw = await fetch(`${store.url}/objects/raw.gz`, {
      method: 'PUT',
      body,
      headers: { 'content-encoding': 'aws-chunked, gzip', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    expect(raw.status).toBe(200);
    const back = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'raw.gz' }));
    expect(Buffer.from((await back.Body?.transformToByteArray()) ?? []).equals(body)).toBe(true);
    expect(back.ContentEncoding).toBe('gzip');
  });

  it('If-None-Match: * refuses to overwrite an existing key with 412 through the SDK, and keeps the object', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'create-only', Body: 'first', IfNoneMatch: '*' }));
    const refused = await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'create-only', Body: 'second', IfNoneMatch: '*' })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'create-only' }));
    expect(await got.Body?.transformToString()).toBe('first');
  });

  it('tags objects: on PUT, by Put/Get/DeleteObjectTagging, kept or replaced on copy, and checked as S3 checks them', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'tagged', Body: 't', Tagging: 'team=search&note=two%20words' }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'tagged' }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'tagged' }));
    expect(got.TagCount).toBe(2);
    const tagSet = async (Key: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key }))).TagSet;
    expect(await tagSet('tagged')).toEqual([
      { Key: 'team', Value: 'search' },
      { Key: 'note', Value: 'two words' },
    ]);
    await s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'tagged-copy', CopySource: 'objects/tagged' }));
    expect(await tagSet('tagged-copy')).toHaveLength(2);
    await s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'tagged-replaced', CopySource: 'objects/tagged', TaggingDirective: 'REPLACE', Tagging: 'only=one' }));
    expect(await tagSet('tagged-replaced')).toEqual([{ Key: 'only', Value: 'one' }]);

    await s3.send(new PutObjectTaggingCommand({ Bucket: 'objects', Key: 'tagged', Tagging: { TagSet: [{ Key: 'replaced', Value: 'yes' }] } }));
    expect(await tagSet('tagged')).toEqual([{ Key: 'replaced', Value: 'yes' }]);
    const invalid = (TagSet: Array<{ Key: string; Value: string }>) => errorName(s3.send(new PutObjectTaggingCommand({ Bucket: 'objects', Key: 'tagged', Tagging: { TagSet } })));
    expect(await invalid([{ Key: 'aws:reserved', Value: 'x' }])).toBe('InvalidTag');
    expect(await invalid([{ Key: 'dup', Value: '1' }, { Key: 'dup', Value: '2' }])).toBe('InvalidTag');
    expect(await invalid(Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: '' })))).toBe('BadRequest');
    expect(await errorName(s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'bad-tags', Body: 'x', Tagging: 'aws:no=1' })))).toBe('InvalidTag');
    expect(await tagSet('tagged')).toEqual([{ Key: 'replaced', Value: 'yes' }]);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: 'objects', Key: 'tagged' }));
    expect(await tagSet('tagged')).toEqual([]);
    expect(await errorName(s3.send(new GetObjectTaggingCommand({ Bucket: 'objects', Key: 'no-such-key' })))).toBe('NoSuchKey');
  });

  it('serves byte ranges', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'range.txt', Body: '0123456789' }));
    const mid = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'range.txt', Range: 'bytes=2-5' }));
    expect(await mid.Body?.transformToString()).toBe('2345');
    expect(mid.ContentRange).toBe('bytes 2-5/10');
    expect(mid.$metadata.httpStatusCode).toBe(206);
    const tail = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'range.txt', Range: 'bytes=-3' }));
    expect(await tail.Body?.transformToString()).toBe('789');
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'range.txt', Range: 'bytes=20-30' })))).toBe('InvalidRange');
  });

  it('copies with metadata kept (COPY) or replaced (REPLACE)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'src/a.json', Body: 'A', ContentType: 'application/json', Metadata: { origin: 'east' } }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'dst/a.json', CopySource: 'objects/src/a.json' }));
    expect(copied.CopyObjectResult?.ETag).toBe(`"${createHash('md5').update('A').digest('hex')}"`);
    const kept = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'dst/a.json' }));
    expect(await kept.Body?.transformToString()).toBe('A');
    expect(kept.Metadata).toEqual({ origin: 'east' });
    expect(kept.ContentType).toBe('application/json');

    await s3.send(
      new CopyObjectCommand({
        Bucket: 'objects',
        Key: 'dst/b.json',
        CopySource: encodeURIComponent('objects/src/a.json'),
        MetadataDirective: 'REPLACE',
        Metadata: { origin: 'west' },
        ContentType: 'text/plain',
      }),
    );
    const replaced = await s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'dst/b.json' }));
    expect(replaced.Metadata).toEqual({ origin: 'west' });
    expect(replaced.ContentType).toBe('text/plain');
    expect(await errorName(s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'src/a.json', CopySource: 'objects/src/a.json' })))).toBe('InvalidRequest');
    expect(await errorName(s3.send(new CopyObjectCommand({ Bucket: 'objects', Key: 'x', CopySource: 'objects/missing' })))).toBe('NoSuchKey');
  });

  it('answers AWS-style errors by name', async () => {
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'k' })))).toBe('NoSuchBucket');
    expect(await errorName(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket', Key: 'k', Body: 'x' })))).toBe('NoSuchBucket');
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'missing' })))).toBe('NoSuchKey');
    // HEAD responses have no body, so the SDK names a 404 from the status alone (as against AWS).
    expect(await errorName(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'missing' })))).toBe('NotFound');
    expect(await errorName(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })))).toBe('NotFound');
    expect(await errorName(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toBe('InvalidBucketName');
    expect(await errorName(s3.send(new CreateBucketCommand({ Bucket: '192.168.1.1' })))).toBe('InvalidBucketName');
    expect(await errorName(s3.send(new DeleteBucketCommand({ Bucket: 'objects' })))).toBe('BucketNotEmpty');

    const err = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'missing' })).catch((e: unknown) => e as { $metadata: { httpStatusCode: number; requestId: string } });
    expect(err.$metadata.httpStatusCode).toBe(404);
    expect(err.$metadata.requestId).toMatch(/^[0-9A-F]{16}$/);
  });

  it('refuses objects over the size limit with EntityTooLarge', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1);
    expect(await errorName(s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'big', Body: big })))).toBe('EntityTooLarge');
    expect(await errorName(s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'big', Body: Readable.from([big]), ContentLength: big.length })))).toBe(
      'EntityTooLarge',
    );
    expect(await errorName(s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'big' })))).toBe('NotFound');
  });

  it('keeps path-like keys as ordinary keys', async () => {
    const keys = ['../../etc/passwd', '/leading-slash', 'a//b', './dot', '..', 'ünï cødé/€.txt'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'objects', Key, Body: `body of ${Key}` }));
    for (const Key of keys) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'objects', Key }));
      expect(await got.Body?.transformToString()).toBe(`body of ${Key}`);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'objects' }));
    const names = (listed.Contents ?? []).map((c) => c.Key);
    for (const Key of keys) expect(names).toContain(Key);
    await s3.send(new DeleteObjectCommand({ Bucket: 'objects', Key: '../../etc/passwd' }));
    expect(await errorName(s3.send(new GetObjectCommand({ Bucket: 'objects', Key: '../../etc/passwd' })))).toBe('NoSuchKey');
  });

  it('deletes several keys at once and then the empty bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'scratch' }));
    await s3.send(new PutObjectCommand({ Bucket: 'scratch', Key: 'a', Body: 'a' }));
    await s3.send(new PutObjectCommand({ Bucket: 'scratch', Key: 'b', Body: 'b' }));
    const res = await s3.send(new DeleteObjectsCommand({ Bucket: 'scratch', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }] } }));
    expect((res.Deleted ?? []).map((d) => d.Key).sort()).toEqual(['a', 'b']);
    await s3.send(new DeleteBucketCommand({ Bucket: 'scratch' }));
    const buckets = await s3.send(new ListBucketsCommand({}));
    expect((buckets.Buckets ?? []).map((b) => b.Name)).toEqual(['objects']);
  });
});
