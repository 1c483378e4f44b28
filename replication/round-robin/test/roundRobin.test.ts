import { DeleteObjectCommand, GetObjectCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicateObject } from '../roundRobinReplicator.js';
import { s3Client, startRing, type Ring } from './ring.js';

// A ring of three regions (any length works; two is the production case): a → b → c → a.
const NAMES = ['us-east-1', 'us-west-2', 'eu-west-1'];
let ring: Ring;

beforeAll(async () => {
  ring = await startRing(NAMES);
});

afterAll(async () => {
  await ring?.close();
});

const put = (s3: S3Client, bucket: string, key: string, body: string, metadata: Record<string, string> = {}) =>
  s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', CacheControl: 'public, max-age=60', Metadata: metadata }));

async function read(s3: S3Client, bucket: string, key: string) {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { body: await r.Body!.transformToString(), metadata: r.Metadata ?? {}, contentType: r.ContentType, cacheControl: r.CacheControl };
  } catch (err) {
    if ((err as Error).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

async function versions(s3: S3Client, bucket: string, key: string) {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  return {
    versions: (r.Versions ?? []).filter((v) => v.Key === key).length,
    markers: (r.DeleteMarkers ?? []).filter((m) => m.Key === key).length,
  };
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const everywhere = (key: string, body: string) => until(`${key} everywhere`, async () =>
  (await Promise.all(ring.regions.map((r) => read(r.s3, r.bucket, key)))).every((o) => o?.body === body));
const created = (regionName: string, key: string) =>
  ring.region(regionName).notifications.filter((n) => n.eventName.startsWith('ObjectCreated') && decodeURIComponent(n.s3.object.key) === key).length;

describe('round-robin replication round a ring of three object stores', () => {
  it('copies an object to every region exactly once, never back to its origin, with origin metadata naming the first bucket', async () => {
    const [a, b, c] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0], typeof ring.regions[0]];
    const key = 'destinations/once.json';
    await put(a.s3, a.bucket, key, '{"id":"once"}');
    await everywhere(key, '{"id":"once"}');
    await ring.idle();

    for (const r of ring.regions) {
      expect(created(r.name, key), `writes of ${key} in ${r.name}`).toBe(1);
      expect(await versions(r.s3, r.bucket, key)).toEqual({ versions: 1, markers: 0 });
    }
    const copyInC = await read(c.s3, c.bucket, key);
    expect(copyInC).toMatchObject({ contentType: 'application/json', cacheControl: 'public, max-age=60' });
    expect(copyInC!.metadata.origin).toBe(a.bucket);
    expect((await read(b.s3, b.bucket, key))!.metadata.origin).toBe(a.bucket);
    expect((await read(a.s3, a.bucket, key))!.metadata.origin).toBeUndefined();
    // The last hop saw that its next bucket is the origin and stopped.
    expect(c.outcomes).toContainEqual({ key, outcome: 'next-is-origin' });
  });

  it('starts from whichever region wrote: a write in the middle of the ring goes round from there', async () => {
    const b = ring.region('us-west-2');
    const key = 'destinations/from-b.json';
    await put(b.s3, b.bucket, key, '{"id":"from-b"}');
    await everywhere(key, '{"id":"from-b"}');
    await ring.idle();
    for (const r of ring.regions) {
      expect(created(r.name, key)).toBe(1);
      const copy = await read(r.s3, r.bucket, key);
      expect(copy!.metadata.origin).toBe(r === b ? undefined : b.bucket);
    }
  });

  it('passes a deletion round the ring: one delete marker per region, and it stops where the key is already gone', async () => {
    const [a, , c] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0], typeof ring.regions[0]];
    const key = 'destinations/deleted.json';
    await put(a.s3, a.bucket, key, '{"id":"deleted"}');
    await everywhere(key, '{"id":"deleted"}');
    await ring.idle();

    await ring.region('us-west-2').s3.send(new DeleteObjectCommand({ Bucket: ring.region('us-west-2').bucket, Key: key }));
    await until('the deletion everywhere', async () =>
      (await Promise.all(ring.regions.map((r) => read(r.s3, r.bucket, key)))).every((o) => o === undefined));
    await ring.idle();
    for (const r of ring.regions) {
      expect(await versions(r.s3, r.bucket, key), r.name).toEqual({ versions: 1, markers: 1 });
    }
    // b deleted; b's replicator deleted in c, c's in a; a's found b already without the key.
    expect(a.outcomes).toContainEqual({ key, outcome: 'already-absent' });
    expect(c.outcomes).toContainEqual({ key, outcome: 'deleted' });
  });

  it('an update made later in another region wins everywhere, whatever order the copies arrive in', async () => {
    const [a, b] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0]];
    const key = 'destinations/concurrent.json';
    // Both regions write the same key at once; b's write is the later one.
    await Promise.all([
      put(a.s3, a.bucket, key, '{"v":1}', { 'written-at': '2026-01-01T00:00:01.000Z' }),
      put(b.s3, b.bucket, key, '{"v":2}', { 'written-at': '2026-01-01T00:00:02.000Z' }),
    ]);
    await everywhere(key, '{"v":2}');
    await ring.idle();
    for (const r of ring.regions) expect((await read(r.s3, r.bucket, key))!.body, r.name).toBe('{"v":2}');
  });

  it('when two regions write the same version, every region keeps the copy from the origin that sorts first', async () => {
    const [, b, c] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0], typeof ring.regions[0]];
    const key = 'destinations/same-version.json';
    // Both regions built the same view of the same version (as destinations' read model does).
    const written = { 'written-at': '2026-02-02T00:00:00.000Z' };
    await Promise.all([put(b.s3, b.bucket, key, '{"v":7}', written), put(c.s3, c.bucket, key, '{"v":7}', written)]);
    await everywhere(key, '{"v":7}');
    await ring.idle();
    const first = [b.bucket, c.bucket].sort()[0];
    for (const r of ring.regions) {
      const copy = await read(r.s3, r.bucket, key);
      expect(copy!.metadata.origin ?? r.bucket, r.name).toBe(first);
    }
  });

  it('a repeated notification changes nothing', async () => {
    const [a, b] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0]];
    const key = 'destinations/repeat.json';
    await put(a.s3, a.bucket, key, '{"id":"repeat"}');
    await everywhere(key, '{"id":"repeat"}');
    await ring.idle();
    const hop = { source: a.s3, next: b.s3, nextBucket: b.bucket };
    expect(await replicateObject(hop, { bucket: a.bucket, key })).toBe('already-there');
    expect(await versions(b.s3, b.bucket, key)).toEqual({ versions: 1, markers: 0 });
  });

  it('a late copy of a write made before the next region deleted the key does not bring it back', async () => {
    const [a, b] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0]];
    // Outside the notified prefix: only the explicit calls below replicate it.
    const key = 'quiet/late.json';
    await put(b.s3, b.bucket, key, '{"v":0}', { 'written-at': '2020-01-01T00:00:00.000Z' });
    await b.s3.send(new DeleteObjectCommand({ Bucket: b.bucket, Key: key }));
    await put(a.s3, a.bucket, key, '{"v":1}', { 'written-at': '2021-01-01T00:00:00.000Z' });
    const hop = { source: a.s3, next: b.s3, nextBucket: b.bucket };
    expect(await replicateObject(hop, { bucket: a.bucket, key })).toBe('deleted-there-later');
    expect(await read(b.s3, b.bucket, key)).toBeUndefined();
    // A write made after the deletion does go through.
    await put(a.s3, a.bucket, key, '{"v":2}', { 'written-at': new Date(Date.now() + 2000).toISOString() });
    expect(await replicateObject(hop, { bucket: a.bucket, key })).toBe('copied');
    expect((await read(b.s3, b.bucket, key))!.body).toBe('{"v":2}');
  });

  it('writes into the next bucket expecting its owner (ExpectedBucketOwner), when the hop names one', async () => {
    const [a, b] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0]];
    const key = 'quiet/owner.json';
    await put(a.s3, a.bucket, key, '{"v":1}');
    const next = s3Client(b.port, b.name);
    const sent: { command: string; owner: unknown }[] = [];
    next.middlewareStack.add((handler, context) => async (args) => {
      sent.push({ command: String(context.commandName), owner: (args.input as { ExpectedBucketOwner?: unknown }).ExpectedBucketOwner });
      return handler(args);
    }, { step: 'initialize' });
    const hop = { source: a.s3, next, nextBucket: b.bucket, nextBucketOwner: '111111111111' };
    expect(await replicateObject(hop, { bucket: a.bucket, key })).toBe('copied');
    await a.s3.send(new DeleteObjectCommand({ Bucket: a.bucket, Key: key }));
    expect(await replicateObject(hop, { bucket: a.bucket, key })).toBe('deleted');
    expect(sent.filter((x) => x.command === 'PutObjectCommand' || x.command === 'DeleteObjectCommand')).toEqual([
      { command: 'PutObjectCommand', owner: '111111111111' },
      { command: 'DeleteObjectCommand', owner: '111111111111' },
    ]);
    next.destroy();
  });

  it('throws when the source changes while it is copied, and the retry copies the newer state', async () => {
    const [a, b] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0]];
    const key = 'quiet/race.json';
    await put(a.s3, a.bucket, key, '{"v":1}');
    // A source client that, right after reading the object, sees another write land (a second delivery racing).
    const racing = s3Client(a.port, a.name);
    let raced = false;
    racing.middlewareStack.add((next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'GetObjectCommand' && !raced) {
        raced = true;
        await put(a.s3, a.bucket, key, '{"v":2}');
      }
      return result;
    }, { step: 'initialize' });
    const hop = { source: racing, next: b.s3, nextBucket: b.bucket };
    await expect(replicateObject(hop, { bucket: a.bucket, key })).rejects.toThrow(/changed while it was replicated/);
    expect(await replicateObject(hop, { bucket: a.bucket, key })).toBe('copied');
    expect((await read(b.s3, b.bucket, key))!.body).toBe('{"v":2}');
    racing.destroy();
  });

  it('throws while the next region is down, and the redelivered notification copies the object once it is back', async () => {
    const [a, b, c] = ring.regions as [typeof ring.regions[0], typeof ring.regions[0], typeof ring.regions[0]];
    const key = 'destinations/outage.json';
    await ring.stopStore(b.name);
    try {
      const hop = { source: a.s3, next: s3Client(b.port, b.name), nextBucket: b.bucket };
      await put(a.s3, a.bucket, key, '{"id":"outage"}');
      await expect(replicateObject(hop, { bucket: a.bucket, key })).rejects.toThrow();
      await until('the topic to have retried', async () => a.errors.some((e) => e.includes(key)));
      hop.next.destroy();
    } finally {
      await ring.startStore(b.name);
    }
    await everywhere(key, '{"id":"outage"}');
    await ring.idle();
    expect((await read(c.s3, c.bucket, key))!.metadata.origin).toBe(a.bucket);
    for (const r of ring.regions) expect(created(r.name, key), r.name).toBe(1);
    expect(a.topics.faults()).toEqual([]);
  });
});
