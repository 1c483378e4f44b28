import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { CreateBucketCommand, GetObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials } from '../../../local/credentials.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../local/dynamodb/dynamoDbLocal.js';
import { freePort } from '../../../local/http/freePort.js';
import { startObjectStore, type ObjectStore } from '../../../local/object-store/index.js';
import { stampOrigin } from '../../../replication/global-tables/originFilter.js';
import { capturingLogger } from '../../toolkit/test/support/capturingLogger.js';
import { viewBucket, type ViewBucket } from '../src/adapters/viewBucket.js';
import { applyReadModelChanges } from '../src/app/viewListener.js';
import { s3For } from './support/searchRegions.js';

/*
 * The listener on real records: items written to a DynamoDB Local table shaped as the destinations read
 * model (stream NEW_AND_OLD_IMAGES, origin stamp), read back from its stream, applied to a real bucket.
 */
const REGION = 'us-east-1';
const TABLE = 'destinations-test-read-model';
const BUCKET = 'test-search-us-east-1';
let dynamo: DynamoDbLocal;
let db: DynamoDBDocumentClient;
let streams: DynamoDBStreamsClient;
let streamArn: string;
let dataDir: string;
let store: ObjectStore;
let s3: S3Client;
let views: ViewBucket;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'meridian-listener-'));
  [dynamo, store] = await Promise.all([
    startDynamoDbLocal({ port: await freePort(), dataDir: null }),
    startObjectStore({ region: REGION, accountId: '111111111111', port: 0, dataDir, log: () => {} }),
  ]);
  const raw = new DynamoDBClient({ region: REGION, endpoint: dynamo.endpoint, credentials: localCredentials });
  db = DynamoDBDocumentClient.from(raw);
  streams = new DynamoDBStreamsClient({ region: REGION, endpoint: dynamo.endpoint, credentials: localCredentials });
  const created = await raw.send(new CreateTableCommand({
    TableName: TABLE,
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  }));
  streamArn = created.TableDescription!.LatestStreamArn!;
  s3 = s3For(store.port, REGION);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  views = viewBucket(s3, BUCKET);
});

afterAll(async () => {
  s3?.destroy();
  await store?.close();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every record on the table's stream so far, in order, as Lambda would batch them. */
async function streamEvent(): Promise<DynamoDBStreamEvent> {
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription!.Shards!;
  const records: _Record[] = [];
  for (const shard of shards) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return { Records: records as DynamoDBStreamEvent['Records'] };
}

const destination = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  name: 'Porto',
  description: 'Port wine and azulejos',
  location: { lat: 41.15, lon: -8.61 },
  status: 'locationValidated',
  updatedAt: '2026-03-01T10:00:00.000Z',
  updatedIn: REGION,
  removed: false,
  lastEventAt: 1772359200000,
  eventCount: 2,
  ...fields,
});
const write = (item: Record<string, unknown>, origin = REGION) => db.send(new PutCommand({ TableName: TABLE, Item: stampOrigin(item, origin) }));

async function versions(key: string) {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: key }));
  return { versions: (r.Versions ?? []).length, markers: (r.DeleteMarkers ?? []).length };
}

describe('the listener: read-model changes taken in this region become JSON views in its bucket', () => {
  it('writes views of this region’s writes only, deletes on a tombstone, skips what readers cannot see', async () => {
    await write(destination('porto'));
    await write(destination('from-west', { updatedIn: 'us-west-2' }), 'us-west-2');
    await write(destination('bad/../id'));
    await write(destination('porto', { lastEventAt: 1772359200001, eventCount: 3 })); // version only: nothing to show
    await write(destination('lisbon', { name: 'Lisbon' }));
    await write(destination('lisbon', { name: 'Lisboa', updatedAt: '2026-03-01T11:00:00.000Z', eventCount: 3 }));
    await write(destination('lisbon', { name: 'Lisboa', removed: true, updatedAt: '2026-03-01T12:00:00.000Z', eventCount: 4 }));
    await write(destination('lisbon', { name: 'Lisboa', removed: true, updatedAt: '2026-03-01T12:00:00.000Z', eventCount: 5 }));

    const log = capturingLogger();
    const event = await streamEvent();
    expect(event.Records).toHaveLength(8);
    expect(await applyReadModelChanges({ views, region: REGION, log }, event)).toEqual({ batchItemFailures: [] });

    const porto = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'destinations/porto.json' }));
    expect(JSON.parse(await porto.Body!.transformToString())).toEqual({
      id: 'porto',
      name: 'Porto',
      description: 'Port wine and azulejos',
      location: { lat: 41.15, lon: -8.61 },
      status: 'locationValidated',
      updatedAt: '2026-03-01T10:00:00.000Z',
      updatedIn: REGION,
    });
    expect(porto.ContentType).toBe('application/json; charset=utf-8');
    expect(porto.CacheControl).toBe('public, max-age=5');
    expect(porto.Metadata).toEqual({ 'written-at': '2026-03-01T10:00:00.000Z' });
    expect(await versions('destinations/porto.json')).toEqual({ versions: 1, markers: 0 });

    expect(await versions('destinations/from-west.json')).toEqual({ versions: 0, markers: 0 });
    expect(log.lines).toContainEqual(expect.objectContaining({ level: 'ERROR', message: expect.stringContaining('cannot name a view') }));
    // Lisbon: written, renamed, removed (the second tombstone changes nothing).
    expect(await versions('destinations/lisbon.json')).toEqual({ versions: 2, markers: 1 });
  });

  it('when a view cannot be written, reports that record and every later one, and holds back that destination’s later changes', async () => {
    const record = (id: string, name: string, seq: number): DynamoDBRecord => ({
      eventName: 'MODIFY',
      dynamodb: { SequenceNumber: String(seq), NewImage: { id: { S: id }, name: { S: name }, status: { S: 'pending' }, updatedAt: { S: `2026-03-01T10:00:0${seq - 100}.000Z` }, removed: { BOOL: false }, 'meridian:origin': { S: REGION } } },
    });
    const event: DynamoDBStreamEvent = { Records: [record('ok-1', 'A', 100), record('fails', 'B1', 101), record('ok-2', 'C', 102), record('fails', 'B2', 103)] };
    const attempted: string[] = [];
    const failing: ViewBucket = {
      put: async (view) => {
        attempted.push(`${view.id}:${view.name}`);
        if (view.id === 'fails') throw new Error('S3 is unavailable');
      },
      delete: async () => {},
      get: async () => undefined,
    };
    expect(await applyReadModelChanges({ views: failing, region: REGION, log: capturingLogger() }, event)).toEqual({
      batchItemFailures: [{ itemIdentifier: '101' }, { itemIdentifier: '102' }, { itemIdentifier: '103' }],
    });
    // Other destinations go on (their rewrite on retry changes nothing); the failing one's later change waits for the retry.
    expect(attempted.sort()).toEqual(['fails:B1', 'ok-1:A', 'ok-2:C']);
  });
});
