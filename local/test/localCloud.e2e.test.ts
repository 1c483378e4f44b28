import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { Client } from '@elastic/elasticsearch';
import type { MeridianConfig } from '../../regions/config.js';
import type { CloudStatus } from '../cloud/localCloud.js';
import { localCredentials } from '../credentials.js';
import { meridian, processesMentioning, startCloudProcess } from './support/cloudProcess.js';
import { ensureCloud } from './support/testCloud.js';

describe('the local cloud as a user starts and stops it', () => {
  it('comes up with the front door and every configured region, and Ctrl-C leaves no process behind', async () => {
    // Its own ports and state, so the run's shared cloud is untouched.
    const stateDir = mkdtempSync(join(tmpdir(), 'meridian-lifecycle-'));
    const env = { MERIDIAN_STATE_DIR: stateDir, MERIDIAN_PORT_OFFSET: String(Number(process.env.MERIDIAN_PORT_OFFSET) + 50) };
    const cloud = await startCloudProcess({ env });
    try {
      const res = await fetch(`http://127.0.0.1:${cloud.config.frontDoor.port}/_meridian/status`);
      expect(res.status).toBe(200);
      const status = (await res.json()) as { ready: boolean; regions: { region: string; state: string }[] };
      expect(status.ready).toBe(true);
      expect(status.regions.map((r) => [r.region, r.state])).toEqual([['us-east-1', 'up'], ['us-west-2', 'up']]);
      expect(processesMentioning(stateDir).length).toBeGreaterThanOrEqual(2); // a DynamoDB Local per region
      const began = Date.now();
      expect(await cloud.stop()).toBe(0);
      expect(Date.now() - began).toBeLessThan(10_000);
      expect(processesMentioning(stateDir)).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${cloud.config.frontDoor.port}/_meridian/status`)).rejects.toThrow();
    } finally {
      await cloud.kill9().catch(() => undefined);
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe('regions and the front door', () => {
  let config: MeridianConfig;
  beforeAll(async () => {
    config = await ensureCloud();
  });
  afterAll(async () => {
    await meridian('recover', 'us-east-1');
  });

  it('answers in every region with x-meridian-region, and through the front door from the nearest', async () => {
    for (const r of config.regions) {
      const res = await fetch(`http://127.0.0.1:${r.local.ports.api}/_meridian/health`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-meridian-region')).toBe(r.region);
    }
    const res = await fetch(`http://127.0.0.1:${config.frontDoor.port}/_meridian/health`);
    expect(res.headers.get('x-meridian-region')).toBe('us-east-1');
  });

  it('each region and the recovery account answer the real SDK and search clients on their own endpoints', async () => {
    const status = JSON.parse(await meridian('status', '--json')) as CloudStatus;
    for (const r of status.regions) {
      const s3 = new S3Client({ region: r.region, endpoint: r.endpoints.objects, credentials: localCredentials });
      await s3.send(new CreateBucketCommand({ Bucket: `answer-${r.region}` }));
      expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toContain(`answer-${r.region}`);
      const search = new Client({ node: r.endpoints.search! });
      expect((await search.info()).version.number).toMatch(/^\d+\./);
    }
    const recovery = new S3Client({ region: 'us-west-1', endpoint: status.recovery.objects, credentials: localCredentials });
    expect((await recovery.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).not.toContain('answer-us-east-1');
  });

  it('an outage makes the region refuse connections; the front door serves from the other region without a failed request', async () => {
    const east = config.regions.find((r) => r.region === 'us-east-1')!;
    const served: string[] = [];
    const failures: string[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        try {
          const res = await fetch(`http://127.0.0.1:${config.frontDoor.port}/_meridian/health`);
          if (res.status !== 200) failures.push(String(res.status));
          served.push(res.headers.get('x-meridian-region') ?? '?');
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    })();
    await meridian('outage', 'us-east-1');
    await expect(fetch(`http://127.0.0.1:${east.local.ports.api}/_meridian/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${east.local.ports.dynamodb}/`)).rejects.toThrow();
    const status = JSON.parse(await meridian('status', '--json')) as { regions: { region: string; state: string }[] };
    expect(status.regions.find((r) => r.region === 'us-east-1')?.state).toBe('outage');
    await meridian('recover', 'us-east-1');
    const afterRecovery = served.length;
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await load;
    expect(failures).toEqual([]);
    expect(served).toContain('us-west-2');
    expect(served.slice(afterRecovery)).not.toContain('us-west-2');
    expect(served.length - afterRecovery).toBeGreaterThan(0);
  });
});
