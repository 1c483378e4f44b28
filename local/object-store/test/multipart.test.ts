import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BodyDigester } from '../checksums.js';
import type { ObjectStore, S3EventMessage } from '../index.js';
import { ACCOUNT, client, eventually, removeDir, REGION, start, tempDir } from './harness.js';

const MiB = 1024 * 1024;
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:uploads`;
const Bucket = 'multipart';

let dir: string;
let store: ObjectStore;
let s3: S3Client;
let events: S3EventMessage[] = [];

beforeAll(async () => {
  dir = tempDir();
  store = await start(dir, { onNotification: (n) => void events.push(n.message) });
  s3 = client(store.url);
  await s3.send(new CreateBucketCommand({ Bucket }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket,
      NotificationConfiguration: { TopicConfigurations: [{ Id: 'created', TopicArn: TOPIC, Events: ['s3:ObjectCreated:*'] }] },
    }),
  );
});

beforeEach(() => {
  events = [];
});

afterAll(async () => {
  s3.destroy();
  await store.close();
  removeDir(dir);
});

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

/** S3's multipart ETag, computed here independently of the store's code. */
function expectedEtag(parts: Buffer[]): string {
  const joined = Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()));
  return `"${md5(joined)}-${parts.length}"`;
}

/** Files in the blob directory: objects plus parts in progress. */
function blobFiles(): number {
  const root = join(dir, 'blobs');
  return readdirSync(root).reduce((n, shard) => n + readdirSync(join(root, shard)).length, 0);
}

async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, status: err.$metadata?.httpStatusCode };
  }
  return { name: 'no error', status: undefined };
}

async function bodyOf(Key: string, extra: { VersionId?: string } = {}): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key, ...extra }));
  return Buffer.from((await got.Body?.transformToByteArray()) ?? []);
}

/** Creates an upload and sends the given parts; returns its id and the list to complete it with. */
async function uploadParts(Key: string, parts: Buffer[]): Promise<{ UploadId: string; Parts: CompletedPart[] }> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
  const Parts: CompletedPart[] = [];
  for (const [i, Body] of parts.entries()) {
    const res = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body }));
    Parts.push({ PartNumber: i + 1, ETag: res.ETag });
  }
  return { UploadId: UploadId ?? '', Parts };
}

describe('multipart uploads', () => {
  it('lib-storage Upload of 20 MB: 4 parts at once, byte-exact back, S3 ETag and composite CRC32, one event', async () => {
    const body = randomBytes(20 * MiB);
    const upload = new Upload({
      client: s3,
      queueSize: 4,
      params: { Bucket, Key: 'big/twenty.bin', Body: body, ContentType: 'application/x-meridian', Metadata: { origin: 'east' }, Tagging: 'kind=archive' },
    });
    const result = await upload.done();
    const partBuffers = [0, 1, 2, 3].map((i) => body.subarray(i * 5 * MiB, (i + 1) * 5 * MiB));
    expect(result.ETag).toBe(expectedEtag(partBuffers));
    // lib-storage asks for CRC32 at creation: the result carries S3's checksum of the parts' checksums.
    const crcs = Buffer.concat(partBuffers.map((p) => Buffer.from(crc32(p).toString(16).padStart(8, '0'), 'hex')));
    expect(result.ChecksumCRC32).toBe(`${Buffer.from(crc32(crcs).toString(16).padStart(8, '0'), 'hex').toString('base64')}-4`);

    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'big/twenty.bin', ChecksumMode: 'ENABLED' }));
    expect(got.ContentType).toBe('application/x-meridian');
    expect(got.Metadata).toEqual({ origin: 'east' });
    expect(got.TagCount).toBe(1);
    expect(got.ContentLength).toBe(body.length);
    expect(got.ETag).toBe(result.ETag);
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));

    // Exactly one event: a later PUT's event arrives after it (the outbox delivers in order).
    await s3.send(new PutObjectCommand({ Bucket, Key: 'sentinel', Body: 'x' }));
    await eventually(() => expect(events.map((e) => e.Records[0]?.s3.object.key)).toContain('sentinel'));
    expect(events.map((e) => e.Records[0]?.eventName)).toEqual(['ObjectCreated:CompleteMultipartUpload', 'ObjectCreated:Put']);
    expect(events[0]?.Records[0]?.s3.object).toMatchObject({ key: 'big/twenty.bin', size: body.length, eTag: result.ETag?.replace(/"/g, '') });
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads).toBeUndefined();
  });

  it('lists parts and uploads, pages them, and keeps only the object once completed', async () => {
    const filesBefore = blobFiles();
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), Buffer.from('the last part may be small')];
    const { UploadId, Parts } = await uploadParts('listed/obj', parts);
    const other = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'listed/other' }));
    expect(blobFiles()).toBe(filesBefore + 3);

    const listed = await s3.send(new ListPartsCommand({ Bucket, Key: 'listed/obj', UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual(parts.map((p, i) => [i + 1, p.length, `"${md5(p)}"`]));
    expect(listed.IsTruncated).toBe(false);
    const page1 = await s3.send(new ListPartsCommand({ Bucket, Key: 'listed/obj', UploadId, MaxParts: 2 }));
    expect(page1).toMatchObject({ IsTruncated: true, NextPartNumberMarker: '2' });
    const page2 = await s3.send(new ListPartsCommand({ Bucket, Key: 'listed/obj', UploadId, PartNumberMarker: page1.NextPartNumberMarker }));
    expect(page2.Parts?.map((p) => p.PartNumber)).toEqual([3]);

    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'listed/' }));
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([
      ['listed/obj', UploadId],
      ['listed/other', other.UploadId],
    ]);
    const firstOnly = await s3.send(new ListMultipartUploadsCommand({ Bucket, MaxUploads: 1 }));
    expect(firstOnly).toMatchObject({ IsTruncated: true, NextKeyMarker: 'listed/obj', NextUploadIdMarker: UploadId });
    const rest = await s3.send(new ListMultipartUploadsCommand({ Bucket, KeyMarker: firstOnly.NextKeyMarker, UploadIdMarker: firstOnly.NextUploadIdMarker }));
    expect(rest.Uploads?.map((u) => u.Key)).toEqual(['listed/other']);
    const rolledUp = await s3.send(new ListMultipartUploadsCommand({ Bucket, Delimiter: '/' }));
    expect(rolledUp.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['listed/']);

    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'listed/obj', UploadId, MultipartUpload: { Parts } }));
    expect(done.ETag).toBe(expectedEtag(parts));
    expect((await bodyOf('listed/obj')).equals(Buffer.concat(parts))).toBe(true);
    // The three parts became one object file.
    expect(blobFiles()).toBe(filesBefore + 1);
    const after = await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'listed/' }));
    expect(after.Uploads?.map((u) => u.Key)).toEqual(['listed/other']);
    expect((await failure(s3.send(new ListPartsCommand({ Bucket, Key: 'listed/obj', UploadId })))).name).toBe('NoSuchUpload');
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'listed/other', UploadId: other.UploadId }));
  });

  it('UploadPartCopy: byte ranges of an existing object become parts', async () => {
    const source = randomBytes(11 * MiB + 3);
    await new Upload({ client: s3, params: { Bucket, Key: 'copy/source', Body: source } }).done();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'copy/target' }));
    const ranges: Array<[number, number]> = [
      [6 * MiB, 11 * MiB + 2],
      [0, 6 * MiB - 1],
    ];
    const Parts: CompletedPart[] = [];
    for (const [i, [first, last]] of ranges.entries()) {
      const res = await s3.send(
        new UploadPartCopyCommand({ Bucket, Key: 'copy/target', UploadId, PartNumber: i + 1, CopySource: `${Bucket}/copy/source`, CopySourceRange: `bytes=${first}-${last}` }),
      );
      expect(res.CopyPartResult?.ETag).toBe(`"${md5(source.subarray(first, last + 1))}"`);
      Parts.push({ PartNumber: i + 1, ETag: res.CopyPartResult?.ETag });
    }
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: 'copy/target', UploadId, MultipartUpload: { Parts } }));
    const expected = Buffer.concat([source.subarray(6 * MiB), source.subarray(0, 6 * MiB)]);
    expect((await bodyOf('copy/target')).equals(expected)).toBe(true);

    const bad = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'copy/bad' }));
    const outside = s3.send(
      new UploadPartCopyCommand({ Bucket, Key: 'copy/bad', UploadId: bad.UploadId, PartNumber: 1, CopySource: `${Bucket}/copy/source`, CopySourceRange: `bytes=0-${source.length}` }),
    );
    expect((await failure(outside)).name).toBe('InvalidRange');
  });

  it('completes into versioned buckets like a PUT: a version id when Enabled, none sent when Suspended', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'mp-versions' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'mp-versions', VersioningConfiguration: { Status: 'Enabled' } }));
    const complete = async (text: string) => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mp-versions', Key: 'k' }));
      const part = await s3.send(new UploadPartCommand({ Bucket: 'mp-versions', Key: 'k', UploadId, PartNumber: 1, Body: text }));
      return s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mp-versions', Key: 'k', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    };
    const v1 = await complete('one');
    const v2 = await complete('two');
    expect(v1.VersionId).toBeTruthy();
    expect(v2.VersionId).not.toBe(v1.VersionId);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: 'mp-versions' }));
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([v2.VersionId, v1.VersionId]);
    const old = await s3.send(new GetObjectCommand({ Bucket: 'mp-versions', Key: 'k', VersionId: v1.VersionId }));
    expect(await old.Body?.transformToString()).toBe('one');
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'mp-versions', VersioningConfiguration: { Status: 'Suspended' } }));
    expect((await complete('three')).VersionId).toBeUndefined();
  });

  it('FULL_OBJECT checksums: the CRC32C of the whole object, from the parts, as S3 answers it', async () => {
    const Key = 'full/crc32c';
    const parts = [randomBytes(5 * MiB), randomBytes(MiB + 7)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' }));
    const Parts: CompletedPart[] = [];
    for (const [i, Body] of parts.entries()) {
      const res = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: 'CRC32C' }));
      Parts.push({ PartNumber: i + 1, ETag: res.ETag, ChecksumCRC32C: res.ChecksumCRC32C });
    }
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
    const whole = new BodyDigester(['crc32c']);
    whole.update(Buffer.concat(parts));
    expect(done).toMatchObject({ ChecksumCRC32C: whole.digest().checksums.crc32c, ChecksumType: 'FULL_OBJECT' });
    const sha = s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' }));
    expect((await failure(sha)).name).toBe('InvalidRequest');
  });

  it('refuses a bad part list with S3 error codes, and changes nothing', async () => {
    const Key = 'bad/list';
    const parts = [randomBytes(5 * MiB), randomBytes(1 * MiB), Buffer.from('tail')];
    const { UploadId, Parts } = await uploadParts(Key, parts);
    const [p1, p2, p3] = Parts as [CompletedPart, CompletedPart, CompletedPart];
    const complete = (list: CompletedPart[], id = UploadId) => failure(s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId: id, MultipartUpload: { Parts: list } })));
    const snapshot = async () => ({
      parts: (await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }))).Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]),
      uploads: (await s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: Key }))).Uploads?.map((u) => u.UploadId),
      object: (await failure(s3.send(new HeadObjectCommand({ Bucket, Key })))).status,
      files: blobFiles(),
    });
    const before = await snapshot();
    expect(before.object).toBe(404);

    expect(await complete([p2, p1])).toEqual({ name: 'InvalidPartOrder', status: 400 });
    expect(await complete([p1, p1])).toEqual({ name: 'InvalidPartOrder', status: 400 });
    expect(await complete([p1, { PartNumber: 2, ETag: `"${md5(Buffer.from('other'))}"` }])).toEqual({ name: 'InvalidPart', status: 400 });
    expect(await complete([p1, { PartNumber: 9, ETag: p2.ETag }])).toEqual({ name: 'InvalidPart', status: 400 });
    expect(await complete([p1, { ...p2, ChecksumCRC32: 'AAAAAA==' }])).toEqual({ name: 'InvalidPart', status: 400 });
    // Part 2 is 1 MiB and not last.
    expect(await complete([p1, p2, p3])).toEqual({ name: 'EntityTooSmall', status: 400 });
    expect(await complete([p1, p3], 'no-such-upload')).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await failure(s3.send(new UploadPartCommand({ Bucket, Key, UploadId: 'no-such-upload', PartNumber: 1, Body: 'x' })))).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect((await failure(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 10_001, Body: 'x' })))).name).toBe('InvalidArgument');
    expect((await failure(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'x', ContentMD5: createHash('md5').update('y').digest('base64') })))).name).toBe(
      'BadDigest',
    );
    expect((await failure(s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'bad/other-key', UploadId })))).name).toBe('NoSuchUpload');
    for (const body of ['<CompleteMultipartUpload></CompleteMultipartUpload>', '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part>', 'not xml']) {
      const res = await fetch(`${store.url}/${Bucket}/${Key}?uploadId=${UploadId}`, { method: 'POST', body });
      expect(await res.text()).toContain('<Code>MalformedXML</Code>');
    }
    expect(await snapshot()).toEqual(before);

    // The same upload still completes with a good list (a subset: part 2 is dropped, and its file with it).
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: [p1, p3] } }));
    expect(done.ETag).toBe(expectedEtag([parts[0]!, parts[2]!]));
    expect((await bodyOf(Key)).equals(Buffer.concat([parts[0]!, parts[2]!]))).toBe(true);
    expect(blobFiles()).toBe(before.files - 3 + 1);
  });

  it('If-None-Match: * on completion refuses to replace an existing key (412) and keeps the upload', async () => {
    const Key = 'conditional/mp';
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: 'first' }));
    const { UploadId, Parts } = await uploadParts(Key, [Buffer.from('second')]);
    const refused = s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, IfNoneMatch: '*', MultipartUpload: { Parts } }));
    expect(await failure(refused)).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect((await bodyOf(Key)).toString()).toBe('first');
    expect((await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }))).Parts).toHaveLength(1);
  });

  it('abort removes the parts from disk; a part sent afterwards is refused', async () => {
    const filesBefore = blobFiles();
    const { UploadId } = await uploadParts('aborted', [randomBytes(5 * MiB), randomBytes(10)]);
    expect(blobFiles()).toBe(filesBefore + 2);
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'aborted', UploadId }));
    expect(blobFiles()).toBe(filesBefore);
    expect((await failure(s3.send(new UploadPartCommand({ Bucket, Key: 'aborted', UploadId, PartNumber: 3, Body: 'late' })))).name).toBe('NoSuchUpload');
    expect((await failure(s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'aborted', UploadId })))).name).toBe('NoSuchUpload');
    expect(blobFiles()).toBe(filesBefore);
  });
});

describe('abandoned multipart uploads', () => {
  it('are removed with their parts at start once older than the age limit, and periodically after', async () => {
    const own = tempDir();
    try {
      const first = await start(own);
      const c = client(first.url);
      await c.send(new CreateBucketCommand({ Bucket: 'left' }));
      const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'left', Key: 'k' }));
      await c.send(new UploadPartCommand({ Bucket: 'left', Key: 'k', UploadId, PartNumber: 1, Body: randomBytes(1000) }));
      c.destroy();
      await first.close();
      const parts = () => readdirSync(join(own, 'blobs')).reduce((n, shard) => n + readdirSync(join(own, 'blobs', shard)).length, 0);
      expect(parts()).toBe(1);

      // Restarted with a day's limit the upload stays; with a limit it has exceeded, it goes at start.
      const kept = await start(own);
      const k = client(kept.url);
      expect((await k.send(new ListMultipartUploadsCommand({ Bucket: 'left' }))).Uploads).toHaveLength(1);
      k.destroy();
      await kept.close();
      const swept = await start(own, { abandonedUploadAgeMs: 0 });
      const s = client(swept.url);
      expect((await s.send(new ListMultipartUploadsCommand({ Bucket: 'left' }))).Uploads).toBeUndefined();
      expect(parts()).toBe(0);

      // And while running: an upload left alone past the limit is swept without a restart.
      s.destroy();
      await swept.close();
      const running = await start(own, { abandonedUploadAgeMs: 200 });
      const r = client(running.url);
      const late = await r.send(new CreateMultipartUploadCommand({ Bucket: 'left', Key: 'later' }));
      await r.send(new UploadPartCommand({ Bucket: 'left', Key: 'later', UploadId: late.UploadId, PartNumber: 1, Body: 'x' }));
      await eventually(() => expect(parts()).toBe(0), 10_000);
      expect((await failure(r.send(new ListPartsCommand({ Bucket: 'left', Key: 'later', UploadId: late.UploadId })))).name).toBe('NoSuchUpload');
      r.destroy();
      await running.close();
    } finally {
      removeDir(own);
    }
  });
});
