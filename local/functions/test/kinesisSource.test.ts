import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEventStream, type EventStreamServer } from '../../event-stream/index.js';
import { createFunctionRuntime, type FunctionRuntime } from '../index.js';
import { bundleFixtures, type BundledFixtures } from './bundledFixtures.js';
import { deliveredIds, eventually, invocations } from './recordFile.js';

let bundles: BundledFixtures;
const fixture = (name: string) => bundles.file(name);
const region = 'us-east-1';
const accountId = '123456789012';

describe('Kinesis event source (against the local event stream)', () => {
  let dir: string;
  let events: EventStreamServer;
  let kinesis: KinesisClient;
  let runtime: FunctionRuntime;

  beforeAll(async () => {
    bundles = await bundleFixtures(fileURLToPath(new URL('./fixtures', import.meta.url)), ['kinesisPublisher.ts', 'streamRecorder.ts']);
    dir = mkdtempSync(join(tmpdir(), 'meridian-kinesis-'));
    events = await startEventStream({ region, accountId, port: 0, dataDir: join(dir, 'event-stream') });
    kinesis = new KinesisClient({ endpoint: events.url, region, credentials: { accessKeyId: 'meridianlocal', secretAccessKey: 'meridianlocal' } });
    runtime = createFunctionRuntime({ region, accountId, dataDir: join(dir, 'functions'), regionEnvironment: { AWS_ENDPOINT_URL_KINESIS: events.url } });
  });

  afterAll(async () => {
    await runtime?.close();
    kinesis?.destroy();
    await events?.close();
    rmSync(dir, { recursive: true, force: true });
    if (bundles) rmSync(bundles.dir, { recursive: true, force: true });
  });

  it('delivers a handler’s PutRecord (through AWS_ENDPOINT_URL_KINESIS) to a mapped function in AWS’s event shape', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'domain-events', ShardCount: 2 }));
    const file = join(dir, 'domain-events.jsonl');
    await runtime.deploy({ name: 'publisher', handlerFile: fixture('kinesisPublisher.ts'), handlerExport: 'handler', environment: { STREAM_NAME: 'domain-events' } });
    await runtime.deploy({ name: 'subscriber', handlerFile: fixture('streamRecorder.ts'), handlerExport: 'handler', environment: { RECORD_FILE: file } });
    await runtime.addEventSource({
      id: 'domain-events-subscriber',
      functionName: 'subscriber',
      type: 'kinesis',
      endpoint: events.url,
      streamName: 'domain-events',
      batchSize: 5,
      startingPosition: 'TRIM_HORIZON',
    });

    const published = (await runtime.invoke('publisher', { key: 'lisbon', data: 'k-0' })) as { shardId: string; sequenceNumber: string };
    const keys = ['lisbon', 'porto', 'faro'];
    for (let i = 1; i < 30; i++) await kinesis.send(new PutRecordCommand({ StreamName: 'domain-events', PartitionKey: keys[i % 3], Data: new TextEncoder().encode(`k-${i}`) }));

    await eventually(() => new Set(deliveredIds(file)).size === 30, 20_000, 'all 30 records');
    const all = invocations(file).flatMap((i) => i.records);
    // Per partition key (one shard each), the order of writing.
    for (const key of keys) {
      const ids = all.filter((r) => r.kinesis?.partitionKey === key).map((r) => Number(Buffer.from(r.kinesis?.data ?? '', 'base64').toString().slice(2)));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    expect(invocations(file).every((i) => i.records.length <= 5)).toBe(true);
    // Shards are read side by side, so find the handler's record by its sequence number.
    const fromHandler = all.find((r) => r.kinesis?.sequenceNumber === published.sequenceNumber);
    expect(fromHandler).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'lisbon',
        sequenceNumber: published.sequenceNumber,
        data: Buffer.from('k-0').toString('base64'),
        approximateArrivalTimestamp: expect.any(Number),
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${published.shardId}:${published.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${accountId}:role/subscriber`,
      awsRegion: region,
      eventSourceARN: `arn:aws:kinesis:${region}:${accountId}:stream/domain-events`,
    });
    const arrival = fromHandler?.kinesis?.approximateArrivalTimestamp ?? 0;
    expect(Math.abs(arrival - Date.now() / 1000)).toBeLessThan(60);
  });

  it('turns a poison record into a fault and goes on with the shard', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'poisoned', ShardCount: 1 }));
    const file = join(dir, 'poisoned.jsonl');
    await runtime.deploy({ name: 'fragile', handlerFile: fixture('streamRecorder.ts'), handlerExport: 'handler', environment: { RECORD_FILE: file, POISON_ID: 'k-3' } });
    const ids = Array.from({ length: 6 }, (_, i) => `k-${i}`);
    for (const id of ids) await kinesis.send(new PutRecordCommand({ StreamName: 'poisoned', PartitionKey: 'one', Data: new TextEncoder().encode(id) }));
    await runtime.addEventSource({
      id: 'poisoned-fragile',
      functionName: 'fragile',
      type: 'kinesis',
      endpoint: events.url,
      streamName: 'poisoned',
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: 1,
    });

    await eventually(() => runtime.faults().length === 1 && ids.every((id) => deliveredIds(file).includes(id)), 20_000, 'fault and the rest');
    expect(runtime.faults()[0]).toMatchObject({
      functionName: 'fragile',
      source: `arn:aws:kinesis:${region}:${accountId}:stream/poisoned`,
      record: { kinesis: { data: Buffer.from('k-3').toString('base64') } },
      error: { message: 'cannot handle k-3' },
      attempts: 2,
    });
  });
});
