import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeridianConfig, RegionConfig } from '../../../regions/config.js';
import { localCredentials } from '../../credentials.js';
import { bundleFixtures, type BundledFixtures } from '../../functions/test/bundledFixtures.js';
import { freePort } from '../../http/freePort.js';
import { until } from '../../test/support/regionClients.js';
import { startRegionServices, type RegionServices } from '../regionServices.js';

// One real region (DynamoDB Local, object store, topics, functions…), wired as the region process wires it.
let dir: string;
let region: RegionServices;
let bundles: BundledFixtures;
const sdk = { region: 'us-west-2', credentials: localCredentials };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'meridian-region-'));
  bundles = await bundleFixtures(fileURLToPath(new URL('./fixtures', import.meta.url)), ['recordEvent.ts']);
  const ports = { api: await freePort(), dynamodb: await freePort(), objects: await freePort(), streams: await freePort(), topics: await freePort(), search: await freePort() };
  const rc: RegionConfig = {
    region: 'us-west-2', next: 'us-east-1', accountId: '111111111111', latencyRank: 1,
    names: { searchBucket: 's', siteBucket: 'h' }, search: { engine: 'local' }, globalTables: { mode: 'current' }, local: { ports },
  };
  const config: MeridianConfig = {
    regions: [rc], frontDoor: { port: await freePort() }, stateDir: dir, configDir: dir, network: { bind: '127.0.0.1', allowedHosts: [] },
    recovery: { account: 'recovery', accountId: '222222222222', region: 'us-west-1', ports: { objects: await freePort() } },
  };
  region = await startRegionServices(config, rc, () => {});
});

afterAll(async () => {
  await region?.close();
  rmSync(dir, { recursive: true, force: true });
  if (bundles) rmSync(bundles.dir, { recursive: true, force: true });
});

describe('a region wires its components together', () => {
  it('a bucket notification reaches a function through a topic, in AWS record shapes', async () => {
    const db = new DynamoDBClient({ ...sdk, endpoint: region.endpoints.dynamodb });
    const s3 = new S3Client({ ...sdk, endpoint: region.endpoints.objects, forcePathStyle: true });
    const sns = new SNSClient({ ...sdk, endpoint: region.endpoints.topics });
    await db.send(new CreateTableCommand({
      TableName: 'received', BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }));
    await region.functions.deploy({
      name: 'fixture-dev-recorder',
      handlerFile: bundles.file('recordEvent.ts'), // the runtime runs bundles, as the deployer gives it
      handlerExport: 'handler',
      environment: { TABLE_NAME: 'received' },
    });
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'bucket-events' }));
    region.topics.subscribe(TopicArn!, { protocol: 'lambda', functionArn: 'arn:aws:lambda:us-west-2:111111111111:function:fixture-dev-recorder' });
    await s3.send(new CreateBucketCommand({ Bucket: 'views-bucket' }));
    await s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: 'views-bucket',
      NotificationConfiguration: { TopicConfigurations: [{ TopicArn, Events: ['s3:ObjectCreated:*'] }] },
    }));
    await s3.send(new PutObjectCommand({ Bucket: 'views-bucket', Key: 'things/a b.json', Body: '{"id":"a"}', ContentType: 'application/json' }));

    const items = await until('the function to record the notification', async () => {
      const { Items } = await db.send(new ScanCommand({ TableName: 'received', ConsistentRead: true }));
      return Items && Items.length > 0 ? Items : undefined;
    });
    const snsEvent = JSON.parse(items[0]!.event!.S!) as { Records: { EventSource: string; Sns: { TopicArn: string; Subject: string; Message: string } }[] };
    expect(snsEvent.Records[0]!.EventSource).toBe('aws:sns');
    expect(snsEvent.Records[0]!.Sns.TopicArn).toBe(TopicArn);
    expect(snsEvent.Records[0]!.Sns.Subject).toBe('Amazon S3 Notification');
    const s3Event = JSON.parse(snsEvent.Records[0]!.Sns.Message) as { Records: { eventSource: string; eventName: string; awsRegion: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }[] };
    expect(s3Event.Records[0]).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      awsRegion: 'us-west-2',
      s3: { bucket: { name: 'views-bucket' }, object: { key: 'things/a+b.json', size: 10 } },
    });
  });
});
