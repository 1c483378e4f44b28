import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../local/http/freePort.js';
import { startObjectStore, type ObjectStore, type S3EventMessage } from '../../../local/object-store/index.js';
import { startTopics, type SnsEvent, type Topics } from '../../../local/topics/index.js';
import { replicateNotifications } from '../replicateNotifications.js';
import type { Outcome } from '../roundRobinReplicator.js';

/**
 * A ring of real regions for tests: per region an object store (versioned bucket notifying a topic
 * on created and removed objects, as services/search configures it) and real topics delivering to
 * that region's replicator, exactly as the local cloud wires S3 → SNS → function.
 */
export const ACCOUNT = '111111111111';
const credentials = { accessKeyId: 'ring', secretAccessKey: 'ring' };

export interface RingRegion {
  name: string;
  bucket: string;
  port: number;
  dataDir: string;
  store: ObjectStore;
  topics: Topics;
  /** A client of this region's store (tests write and read through it). */
  s3: S3Client;
  /** Every S3 notification this region's bucket sent, in order. */
  notifications: S3EventMessage['Records'];
  /** Replicator outcomes in this region, by key. */
  outcomes: Array<{ key: string; outcome: Outcome }>;
  /** Replicator invocations that threw. */
  errors: string[];
}

export interface Ring {
  regions: RingRegion[];
  region(name: string): RingRegion;
  /** Stops a region's object store (an outage of its S3: connections refused). */
  stopStore(name: string): Promise<void>;
  /** Starts it again on the same port with the same data. */
  startStore(name: string): Promise<void>;
  /** Until every topic has delivered (or faulted) everything. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function s3Client(port: number, region: string): S3Client {
  return new S3Client({ region, endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials, maxAttempts: 1 });
}

/** A function besides the replicator subscribed to each region's topic (search adds its indexer). */
export type RingFunction = (region: RingRegion, event: SnsEvent) => Promise<void>;

export interface RingOptions {
  retryDelayMs?: number;
  /** More subscribers of each region's topic, by function name; their failures land in `errors` too. */
  functions?: Record<string, RingFunction>;
}

export async function startRing(names: string[], opts: RingOptions = {}): Promise<Ring> {
  const regions: RingRegion[] = [];
  const topicArn = (name: string) => `arn:aws:sns:${name}:${ACCOUNT}:search-test-views`;
  const functionArn = (region: string, fn: string) => `arn:aws:lambda:${region}:${ACCOUNT}:function:search-test-${fn}`;
  const functions = Object.entries(opts.functions ?? {});

  const openStore = (r: Pick<RingRegion, 'name' | 'port' | 'dataDir' | 'notifications'>, topics: () => Topics) =>
    startObjectStore({
      region: r.name,
      accountId: ACCOUNT,
      port: r.port,
      dataDir: r.dataDir,
      log: () => {},
      onNotification: async (n) => {
        r.notifications.push(...n.message.Records);
        await topics().publish(n.topicArn, JSON.stringify(n.message), { subject: 'Amazon S3 Notification' });
      },
    });

  for (const [i, name] of names.entries()) {
    const next = names[(i + 1) % names.length]!;
    const dataDir = mkdtempSync(join(tmpdir(), `meridian-ring-${name}-`));
    const port = await freePort();
    const partial = { name, bucket: `ring-search-${name}`, port, dataDir, notifications: [] as S3EventMessage['Records'], outcomes: [] as RingRegion['outcomes'], errors: [] as string[] };
    const self = partial as RingRegion;
    const topics = await startTopics({
      region: name,
      accountId: ACCOUNT,
      port: 0,
      dataDir,
      retry: { maximumRetryAttempts: 199, baseDelayMs: opts.retryDelayMs ?? 50, maxDelayMs: opts.retryDelayMs ?? 200 },
      deliver: async (arn: string, event: SnsEvent) => {
        const other = functions.find(([fn]) => arn === functionArn(name, fn));
        try {
          if (other) await other[1](self, event);
          else await replicate(self, regions.find((r) => r.name === next)!, event);
        } catch (err) {
          self.errors.push((err as Error).message);
          throw err;
        }
      },
    });
    const store = await openStore(self, () => self.topics);
    Object.assign(self, { store, topics, s3: s3Client(port, name) });
    regions.push(self);
    const arn = topics.createTopic('search-test-views');
    for (const fn of [...functions.map(([f]) => f), 'replicator']) topics.subscribe(arn, { protocol: 'lambda', functionArn: functionArn(name, fn) });
    await self.s3.send(new CreateBucketCommand({ Bucket: self.bucket }));
    await self.s3.send(new PutBucketVersioningCommand({ Bucket: self.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const filter = { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'destinations/' }] } };
    await self.s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: self.bucket,
      NotificationConfiguration: {
        TopicConfigurations: [
          { TopicArn: topicArn(name), Events: ['s3:ObjectCreated:*'], Filter: filter },
          { TopicArn: topicArn(name), Events: ['s3:ObjectRemoved:*'], Filter: filter },
        ],
      },
    }));
  }

  const region = (name: string) => {
    const r = regions.find((x) => x.name === name);
    if (!r) throw new Error(`no region ${name} in this ring`);
    return r;
  };
  return {
    regions,
    region,
    async stopStore(name) {
      await region(name).store.close();
    },
    async startStore(name) {
      const r = region(name);
      r.store = await openStore(r, () => r.topics);
    },
    async idle() {
      // A delivery can publish further messages (a copy notifies the next region): loop until all are quiet.
      for (let quiet = 0; quiet < 3; ) {
        await Promise.all(regions.map((r) => r.topics.whenIdle()));
        await new Promise((resolve) => setTimeout(resolve, 50));
        quiet = regions.every((r) => r.topics.pendingCount() === 0) ? quiet + 1 : 0;
      }
    },
    async close() {
      for (const r of regions) {
        r.s3.destroy();
        await r.topics.close();
        await r.store.close();
        rmSync(r.dataDir, { recursive: true, force: true });
      }
    },
  };
}

async function replicate(self: RingRegion, next: RingRegion, event: SnsEvent): Promise<void> {
  // Fresh clients per delivery, as a cold Lambda would have; they point at the ports, which survive restarts.
  const hop = { source: s3Client(self.port, self.name), next: s3Client(next.port, next.name), nextBucket: next.bucket };
  try {
    self.outcomes.push(...(await replicateNotifications(hop, event)));
  } finally {
    hop.source.destroy();
    hop.next.destroy();
  }
}
