import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectStore, S3EventMessage } from '../index.js';
import { ACCOUNT, client, eventually, removeDir, REGION, start, tempDir } from './harness.js';

const VIEWS_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:search-views`;
const ALL_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:everything`;
const FAILING_TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:broken`;

interface Received {
  topicArn: string;
  bucket: string;
  message: S3EventMessage;
}

let dir: string;
let store: ObjectStore;
let s3: S3Client;
let received: Received[] = [];
const logged: string[] = [];

beforeAll(async () => {
  dir = tempDir();
  store = await start(dir, {
    onNotification: (n) => {
      if (n.topicArn === FAILING_TOPIC) throw new Error('topic is down');
      received.push(n);
    },
    log: (m) => logged.push(m),
  });
  s3 = client(store.url);
  await s3.send(new CreateBucketCommand({ Bucket: 'search-bucket' }));
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'search-bucket',
      NotificationConfiguration: {
        TopicConfigurations: [
          {
            Id: 'views-created',
            TopicArn: VIEWS_TOPIC,
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'views/' }, { Name: 'suffix', Value: '.json' }] } },
          },
          { Id: 'all-removals', TopicArn: ALL_TOPIC, Events: ['s3:ObjectRemoved:*'] },
        ],
      },
    }),
  );
});

beforeEach(() => {
  received = [];
});

afterAll(async () => {
  s3.destroy();
  await store.close();
  removeDir(dir);
});

describe('bucket notifications', () => {
  it('returns the configuration it was given', async () => {
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'search-bucket' }));
    expect(config.TopicConfigurations).toEqual([
      {
        Id: 'views-created',
        TopicArn: VIEWS_TOPIC,
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'views/' }, { Name: 'suffix', Value: '.json' }] } },
      },
      { Id: 'all-removals', TopicArn: ALL_TOPIC, Events: ['s3:ObjectRemoved:*'] },
    ]);
  });

  it('delivers an ObjectCreated:Put record in AWS shape', async () => {
    const body = '{"id":"d1"}';
    const put = await s3.send(new PutObjectCommand({ Bucket: 'search-bucket', Key: 'views/new york.json', Body: body }));
    const [n] = await eventually(() => {
      expect(received).toHaveLength(1);
      return received;
    });
    expect(n?.topicArn).toBe(VIEWS_TOPIC);
    expect(n?.bucket).toBe('search-bucket');
    const record = n?.message.Records[0];
    expect(n?.message.Records).toHaveLength(1);
    expect(record).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: REGION,
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AKIDLOCAL' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': put.$metadata.requestId, 'x-amz-id-2': put.$metadata.extendedRequestId },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'views-created',
        bucket: { name: 'search-bucket', ownerIdentity: { principalId: ACCOUNT }, arn: 'arn:aws:s3:::search-bucket' },
        object: {
          key: 'views/new+york.json',
          size: body.length,
          eTag: createHash('md5').update(body).digest('hex'),
          sequencer: expect.stringMatching(/^[0-9A-F]+$/),
        },
      },
    });
  });

  it('filters by prefix, suffix and event type', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'search-bucket', Key: 'other/x.json', Body: '1' }));
    await s3.send(new PutObjectCommand({ Bucket: 'search-bucket', Key: 'views/x.txt', Body: '1' }));
    await s3.send(new PutObjectCommand({ Bucket: 'search-bucket', Key: 'views/x.json', Body: '1' }));
    await s3.send(new CopyObjectCommand({ Bucket: 'search-bucket', Key: 'views/y.json', CopySource: 'search-bucket/views/x.json' }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'search-bucket', Key: 'other/x.json' }));
    await eventually(() => expect(received).toHaveLength(3));
    await new Promise((r) => setTimeout(r, 100)); // nothing else trickles in
    expect(received.map((n) => [n.topicArn, n.message.Records[0]?.eventName, n.message.Records[0]?.s3.object.key])).toEqual([
      [VIEWS_TOPIC, 'ObjectCreated:Put', 'views/x.json'],
      [VIEWS_TOPIC, 'ObjectCreated:Copy', 'views/y.json'],
      [ALL_TOPIC, 'ObjectRemoved:Delete', 'other/x.json'],
    ]);
    const removed = received[2]?.message.Records[0]?.s3.object;
    expect(removed).toEqual({ key: 'other/x.json', sequencer: expect.any(String) });
  });

  it('sequencers increase per key; versioned buckets carry versionId and DeleteMarkerCreated', async () => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: 'search-bucket', VersioningConfiguration: { Status: 'Enabled' } }));
    const a = await s3.send(new PutObjectCommand({ Bucket: 'search-bucket', Key: 'views/seq.json', Body: 'a' }));
    const b = await s3.send(new PutObjectCommand({ Bucket: 'search-bucket', Key: 'views/seq.json', Body: 'bb' }));
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'search-bucket', Key: 'views/seq.json' }));
    await eventually(() => expect(received).toHaveLength(3));
    const objects = received.map((n) => n.message.Records[0]?.s3.object);
    expect(objects.map((o) => o?.versionId)).toEqual([a.VersionId, b.VersionId, del.VersionId]);
    expect(received[2]?.message.Records[0]?.eventName).toBe('ObjectRemoved:DeleteMarkerCreated');
    const seqs = objects.map((o) => BigInt(`0x${o?.sequencer}`));
    expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
  });

  it('a failing delivery does not fail the write, and is logged', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'broken-topic' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'broken-topic',
        NotificationConfiguration: { TopicConfigurations: [{ TopicArn: FAILING_TOPIC, Events: ['s3:ObjectCreated:Put'] }] },
      }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket: 'broken-topic', Key: 'k', Body: 'v' }));
    expect(put.$metadata.httpStatusCode).toBe(200);
    await eventually(() => expect(logged.some((m) => m.includes(FAILING_TOPIC))).toBe(true), 5000);
  });

  it('rejects unknown events and malformed topic ARNs', async () => {
    const bad = (Events: string[], TopicArn = VIEWS_TOPIC) =>
      s3
        .send(new PutBucketNotificationConfigurationCommand({ Bucket: 'search-bucket', NotificationConfiguration: { TopicConfigurations: [{ TopicArn, Events: Events as never }] } }))
        .then(() => 'ok', (e: Error) => e.name);
    expect(await bad(['s3:ObjectCreated:Nope'])).toBe('InvalidArgument');
    expect(await bad(['s3:ObjectCreated:*'], 'not-an-arn')).toBe('InvalidArgument');
  });
});
