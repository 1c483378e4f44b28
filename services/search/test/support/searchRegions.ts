import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../../local/http/freePort.js';
import { startObjectStore, type ObjectStore } from '../../../../local/object-store/index.js';
import { startSearchEngine, type SearchEngine } from '../../../../local/search-engine/index.js';
import { startTopics, type SnsEvent, type Topics } from '../../../../local/topics/index.js';
import { replicateNotifications } from '../../../../replication/round-robin/replicateNotifications.js';
import type { SearchView } from '../../src/adapters/searchView.js';
import { searchViewFromEnv } from '../../src/adapters/searchViewFromEnv.js';
import { viewBucket, type ViewBucket } from '../../src/adapters/viewBucket.js';
import { indexNotifications } from '../../src/app/indexer.js';
import { memoryLog } from '../../src/app/log.js';

/**
 * Regions of the search service on real local components, wired as the local cloud wires a deployed
 * services/search: per region an object store with the versioned search bucket notifying a topic on
 * created and removed views, real topics delivering to the indexer and the replicator (the handlers'
 * own logic), and a search engine. Regions form a ring in the order given.
 */
const ACCOUNT = '111111111111';
const credentials = { accessKeyId: 'search-test', secretAccessKey: 'search-test' };

export interface SearchRegion {
  name: string;
  bucket: string;
  port: number;
  dataDir: string;
  store: ObjectStore;
  topics: Topics;
  engine: SearchEngine;
  s3: S3Client;
  views: ViewBucket;
  search: SearchView;
  errors: string[];
}

export interface SearchRegions {
  regions: SearchRegion[];
  region(name: string): SearchRegion;
  stopStore(name: string): Promise<void>;
  startStore(name: string): Promise<void>;
  close(): Promise<void>;
}

export function s3For(port: number, region: string): S3Client {
  return new S3Client({ region, endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials, maxAttempts: 1 });
}

export async function startSearchRegions(names: string[]): Promise<SearchRegions> {
  const regions: SearchRegion[] = [];
  const byName = (name: string) => {
    const r = regions.find((x) => x.name === name);
    if (!r) throw new Error(`no region ${name}`);
    return r;
  };
  const indexerArn = (name: string) => `arn:aws:lambda:${name}:${ACCOUNT}:function:search-test-indexer`;
  const openStore = (r: SearchRegion) =>
    startObjectStore({
      region: r.name,
      accountId: ACCOUNT,
      port: r.port,
      dataDir: r.dataDir,
      log: () => {},
      onNotification: async (n) => {
        await r.topics.publish(n.topicArn, JSON.stringify(n.message), { subject: 'Amazon S3 Notification' });
      },
    });

  for (const [i, name] of names.entries()) {
    const nextName = names[(i + 1) % names.length]!;
    const dataDir = mkdtempSync(join(tmpdir(), `meridian-search-${name}-`));
    const port = await freePort();
    const r = { name, bucket: `test-search-${name}`, port, dataDir, errors: [] as string[] } as SearchRegion;
    r.engine = await startSearchEngine({ port: 0, dataDir });
    r.search = searchViewFromEnv({ MERIDIAN_SEARCH_ENGINE: 'local', MERIDIAN_SEARCH_ENDPOINT: r.engine.url, SEARCH_INDEX: 'destinations-test' });
    r.topics = await startTopics({
      region: name,
      accountId: ACCOUNT,
      port: 0,
      dataDir,
      retry: { maxAttempts: 500, baseDelayMs: 50, maxDelayMs: 250 },
      deliver: async (functionArn: string, event: SnsEvent) => {
        // Fresh clients per delivery (a cold function); ports survive a store restart.
        const source = s3For(r.port, name);
        const next = byName(nextName);
        try {
          if (functionArn === indexerArn(name)) await indexNotifications({ s3: source, search: r.search, log: memoryLog() }, event);
          else await replicateNotifications({ source, next: s3For(next.port, nextName), nextBucket: next.bucket }, event);
        } catch (err) {
          r.errors.push((err as Error).message);
          throw err;
        } finally {
          source.destroy();
        }
      },
    });
    r.store = await openStore(r);
    r.s3 = s3For(port, name);
    r.views = viewBucket(r.s3, r.bucket);
    regions.push(r);

    const topicArn = r.topics.createTopic('search-test-views');
    r.topics.subscribe(topicArn, { protocol: 'lambda', functionArn: indexerArn(name) });
    r.topics.subscribe(topicArn, { protocol: 'lambda', functionArn: `arn:aws:lambda:${name}:${ACCOUNT}:function:search-test-replicator` });
    await r.s3.send(new CreateBucketCommand({ Bucket: r.bucket }));
    await r.s3.send(new PutBucketVersioningCommand({ Bucket: r.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const filter = { Key: { FilterRules: [{ Name: 'prefix' as const, Value: 'destinations/' }] } };
    await r.s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: r.bucket,
      NotificationConfiguration: {
        TopicConfigurations: [
          { TopicArn: topicArn, Events: ['s3:ObjectCreated:*'], Filter: filter },
          { TopicArn: topicArn, Events: ['s3:ObjectRemoved:*'], Filter: filter },
        ],
      },
    }));
  }

  return {
    regions,
    region: byName,
    async stopStore(name) {
      await byName(name).store.close();
    },
    async startStore(name) {
      const r = byName(name);
      r.store = await openStore(r);
    },
    async close() {
      for (const r of regions) {
        r.s3.destroy();
        await r.search.close();
        await r.topics.close();
        await r.store.close();
        await r.engine.close();
        rmSync(r.dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The suites' one poll-until helper. */
export { until } from '../../../../local/test/support/regionClients.js';
