/** boto3 (Python's AWS SDK, its transfer manager and resource API) against a real local object store. */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../index.js';
import { removeDir, start, tempDir } from '../harness.js';
import { awsClientEnv, requireClient, run } from './awsClients.js';

type Observed = Record<string, unknown> & { error?: string };

let dir: string;
let work: string;
let store: ObjectStore;
let report: Record<string, Observed>;

beforeAll(async () => {
  dir = tempDir();
  work = tempDir();
  const env = awsClientEnv(work);
  await requireClient(['python3', '-c', 'import boto3'], env, 'boto3 (Debian: python3-boto3)');
  store = await start(dir);
  // One run of the script for every scenario: starting Python and boto3 is the slow part.
  const r = await run('python3', [fileURLToPath(new URL('./boto3Client.py', import.meta.url)), store.url, work], env, work);
  if (r.code !== 0) throw new Error(`boto3Client.py exited ${r.code}: ${r.stderr}`);
  report = JSON.parse(r.stdout) as Record<string, Observed>;
});

afterAll(async () => {
  await store?.close();
  removeDir(dir);
  removeDir(work);
});

/** A scenario's observations; its Python traceback as the failure when it raised. */
function scenario(name: string): Observed {
  const observed = report[name];
  if (!observed) throw new Error(`boto3Client.py reported nothing for ${name}`);
  if (observed.error) throw new Error(`${name} raised in Python:\n${observed.error}`);
  return observed;
}

describe('boto3', () => {
  it('create_bucket twice in us-east-1: both succeed', () => {
    expect(scenario('buckets_twice')).toEqual({ second_status: 200 });
  });

  it('upload_file / download_file of 20 MB in 8 MiB parts, 4 at once, and a managed (part-by-part) copy: byte-exact', () => {
    expect(scenario('transfer_20mb')).toEqual({
      same: true,
      copy_same: true,
      etag: expect.stringMatching(/^"[0-9a-f]{32}-3"$/),
      length: 20 * 1024 * 1024,
      metadata: { origin: 'boto3' },
    });
  });

  it('put/get with checksum validation, and the list_objects_v2 paginator', () => {
    expect(scenario('objects_and_paging')).toEqual({
      keys: ['page/0.json', 'page/1.json', 'page/2.json', 'page/3.json', 'page/4.json'],
      pages: 3,
      body: '{"i": 3}',
      content_type: 'application/json',
    });
  });

  it('put_object IfNoneMatch="*" on an existing key: 412 PreconditionFailed, the object kept', () => {
    expect(scenario('conditional_put')).toEqual({ refused: { code: 'PreconditionFailed', status: 412 }, body: 'first' });
  });

  it('multipart by hand: listed, S3 error codes for a bad part list, parts kept, gone after abort', () => {
    expect(scenario('multipart_errors')).toEqual({
      listed: [true],
      order: { code: 'InvalidPartOrder', status: 400 },
      etag: { code: 'InvalidPart', status: 400 },
      unknown: { code: 'NoSuchUpload', status: 404 },
      parts_kept: 2,
      after_abort: { code: 'NoSuchUpload', status: 404 },
    });
  });

  it('Bucket.object_versions.delete() empties a versioned bucket of 330 versions and markers, page by page', () => {
    expect(scenario('empty_versioned_bucket')).toEqual({ before: 330, left: 0, gone: { code: '404', status: 404 } });
  });
});
