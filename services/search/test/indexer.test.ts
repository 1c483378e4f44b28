import { CreateBucketCommand, DeleteObjectCommand, PutBucketNotificationConfigurationCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startObjectStore, type ObjectStore, type S3EventMessage } from '../../../local/object-store/index.js';
import { startSearchEngine, type SearchEngine } from '../../../local/search-engine/index.js';
import { snsLambdaEvent } from '../../../local/topics/lambdaEvent.js';
import type { SearchView } from '../src/adapters/searchView.js';
import { searchViewFromEnv } from '../src/adapters/searchViewFromEnv.js';
import { viewBucket, type ViewBucket } from '../src/adapters/viewBucket.js';
import { indexNotifications } from '../src/app/indexer.js';
import { capturingLogger } from '../../toolkit/test/support/capturingLogger.js';
import { s3For, until } from './support/searchRegions.js';

/*
 * The indexer on a real bucket and a real engine, fed the bucket's own notifications wrapped as SNS
 * delivers them, at the moments the test chooses: late, repeated and out of order.
 */
const REGION = 'us-east-1';
const BUCKET = 'test-search-us-east-1';
const TOPIC = `arn:aws:sns:${REGION}:111111111111:search-test-views`;
let dataDir: string;
let store: ObjectStore;
let engine: SearchEngine;
let s3: S3Client;
let views: ViewBucket;
let search: SearchView;
const notifications: S3EventMessage[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-indexer-'));
  store = await startObjectStore({ region: REGION, accountId: '111111111111', port: 0, dataDir, log: () => {}, onNotification: (n) => void notifications.push(n.message) });
  engine = await startSearchEngine({ port: 0, dataDir });
  s3 = s3For(store.port, REGION);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  await s3.send(new PutBucketNotificationConfigurationCommand({
    Bucket: BUCKET,
    NotificationConfiguration: { TopicConfigurations: [{ TopicArn: TOPIC, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'] }] },
  }));
  views = viewBucket(s3, BUCKET);
  search = searchViewFromEnv({ MERIDIAN_SEARCH_ENGINE: 'local', MERIDIAN_SEARCH_ENDPOINT: engine.url, SEARCH_INDEX: 'destinations-test' });
});

afterAll(async () => {
  s3?.destroy();
  await search?.close();
  await store?.close();
  await engine?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const view = (id: string, name: string, description = '') => ({ id, name, description, status: 'pending', updatedAt: new Date().toISOString(), updatedIn: REGION });
/** The notification for `key` (the n-th one, 0 = first), as SNS hands it to a subscribed function. */
async function delivery(key: string, n = 0) {
  const message = await until(`notification ${n} for ${key}`, async () => notifications.filter((m) => m.Records[0]!.s3.object.key === key)[n]);
  return snsLambdaEvent({ messageId: 'm', topicArn: TOPIC, subject: 'Amazon S3 Notification', message: JSON.stringify(message), attributes: {}, publishedMs: Date.now() }, `${TOPIC}:sub`, { region: REGION, endpointUrl: 'http://127.0.0.1' });
}
const deps = () => ({ s3, search, log: capturingLogger() });
const found = async (text: string) => (await search.search(text, 10)).map((h) => h.id);

describe('the indexer: this region’s bucket → this region’s search engine', () => {
  it('indexes a new view, and removes it when the view is deleted', async () => {
    await views.put(view('porto', 'Porto', 'Port wine cellars'));
    expect(await indexNotifications(deps(), await delivery('destinations/porto.json'))).toEqual([{ key: 'destinations/porto.json', outcome: 'indexed' }]);
    expect(await found('cellars')).toEqual(['porto']);
    await views.delete('porto');
    expect(await indexNotifications(deps(), await delivery('destinations/porto.json', 1))).toEqual([{ key: 'destinations/porto.json', outcome: 'removed' }]);
    expect(await found('cellars')).toEqual([]);
  });

  it('indexes what the view is now when a notification arrives after it was overwritten', async () => {
    await views.put(view('faro', 'Faro', 'Lagoon'));
    await views.put(view('faro', 'Faro', 'Beaches of the Algarve'));
    // The first notification arrives late, after the overwrite: the current view is indexed.
    await indexNotifications(deps(), await delivery('destinations/faro.json', 0));
    expect(await found('algarve')).toEqual(['faro']);
    expect(await found('lagoon')).toEqual([]);
    // The overwrite's own notification changes nothing further.
    await indexNotifications(deps(), await delivery('destinations/faro.json', 1));
    expect(await found('algarve')).toEqual(['faro']);
  });

  it('removes a view that was deleted before its creation was indexed, and never brings it back', async () => {
    await views.put(view('braga', 'Braga', 'Baroque sanctuary'));
    await views.delete('braga');
    // The deletion's notification first, then the late creation: both leave the engine without it.
    expect((await indexNotifications(deps(), await delivery('destinations/braga.json', 1)))[0]!.outcome).toBe('removed');
    expect((await indexNotifications(deps(), await delivery('destinations/braga.json', 0)))[0]!.outcome).toBe('removed');
    expect(await found('baroque')).toEqual([]);
  });

  it('skips objects that are not destination views, and bytes that are not a view, saying so', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'destinations/notes.txt', Body: 'hello' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'destinations/broken.json', Body: '{not json' }));
    const log = capturingLogger();
    expect(await indexNotifications({ s3, search, log }, await delivery('destinations/notes.txt'))).toEqual([{ key: 'destinations/notes.txt', outcome: 'skipped' }]);
    expect(await indexNotifications({ s3, search, log }, await delivery('destinations/broken.json'))).toEqual([{ key: 'destinations/broken.json', outcome: 'skipped' }]);
    expect(log.lines.map((l) => l.level)).toEqual(['ERROR', 'ERROR']);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'destinations/notes.txt' }));
  });

  it("ignores S3's test event", async () => {
    const event = snsLambdaEvent({ messageId: 't', topicArn: TOPIC, subject: 'Amazon S3 Notification', message: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: BUCKET }), attributes: {}, publishedMs: Date.now() }, `${TOPIC}:sub`, { region: REGION, endpointUrl: 'http://127.0.0.1' });
    expect(await indexNotifications(deps(), event)).toEqual([]);
  });
});
