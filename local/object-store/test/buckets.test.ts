import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../index.js';
import { ACCOUNT, client, removeDir, start, tempDir } from './harness.js';

const running: Array<{ store: ObjectStore; dir: string; s3: S3Client }> = [];

afterEach(async () => {
  for (const r of running.splice(0)) {
    r.s3.destroy();
    await r.store.close();
    removeDir(r.dir);
  }
});

async function regionStore(region: string): Promise<S3Client> {
  const dir = tempDir();
  const store = await start(dir, { region, accountId: ACCOUNT });
  const s3 =
    region === 'us-east-1'
      ? client(store.url)
      : new S3Client({ endpoint: store.url, region, forcePathStyle: true, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' } });
  running.push({ store, dir, s3 });
  return s3;
}

describe('CreateBucket on a bucket you already own', () => {
  it('answers 200 in us-east-1 (S3 keeps its legacy answer there) and changes nothing', async () => {
    const s3 = await regionStore('us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'owned' }));
    await s3.send(new PutObjectCommand({ Bucket: 'owned', Key: 'k', Body: 'kept' }));
    const again = await s3.send(new CreateBucketCommand({ Bucket: 'owned' }));
    expect(again.$metadata.httpStatusCode).toBe(200);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'owned', Key: 'k' }))).Body?.transformToString()).toBe('kept');
  });

  it('answers 409 BucketAlreadyOwnedByYou in other regions', async () => {
    const s3 = await regionStore('us-west-2');
    await s3.send(new CreateBucketCommand({ Bucket: 'owned', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    const again = await s3.send(new CreateBucketCommand({ Bucket: 'owned', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } })).catch((e: unknown) => e);
    expect(again).toMatchObject({ name: 'BucketAlreadyOwnedByYou', $metadata: { httpStatusCode: 409 } });
  });
});
