import { CreateBucketCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { client, removeDir, start, tempDir } from './harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('durability', () => {
  it('content and versions survive close() and a restart on the same dataDir', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const first = await start(dir);
    const s3 = client(first.url);
    await s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'durable', VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'k', Body: 'one', Metadata: { origin: 'east' } }));
    await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'k', Body: 'two' }));
    s3.destroy();
    await first.close();

    const second = await start(dir);
    const again = client(second.url);
    try {
      const got = await again.send(new GetObjectCommand({ Bucket: 'durable', Key: 'k' }));
      expect(await got.Body?.transformToString()).toBe('two');
      const versions = await again.send(new ListObjectVersionsCommand({ Bucket: 'durable' }));
      expect(versions.Versions).toHaveLength(2);
      const old = await again.send(new GetObjectCommand({ Bucket: 'durable', Key: 'k', VersionId: versions.Versions?.[1]?.VersionId }));
      expect(await old.Body?.transformToString()).toBe('one');
      expect(old.Metadata).toEqual({ origin: 'east' });
    } finally {
      again.destroy();
      await second.close();
    }
  });

  it('acknowledged writes survive kill -9 of the server process', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./serveForever.ts', import.meta.url)), dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    const bodies = Array.from({ length: 20 }, (_, i) => `body ${i} `.repeat(100 * i + 1));
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const s3 = client(line.toString().trim());
      await s3.send(new CreateBucketCommand({ Bucket: 'crashy' }));
      await Promise.all(bodies.map((Body, i) => s3.send(new PutObjectCommand({ Bucket: 'crashy', Key: `k${i}`, Body }))));
      s3.destroy();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }

    const revived = await start(dir);
    const after = client(revived.url);
    try {
      for (const [i, body] of bodies.entries()) {
        const got = await after.send(new GetObjectCommand({ Bucket: 'crashy', Key: `k${i}` }));
        expect(await got.Body?.transformToString()).toBe(body);
      }
    } finally {
      after.destroy();
      await revived.close();
    }
  });
});
