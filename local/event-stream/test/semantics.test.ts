import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import type { EventStreamServer } from '../index.js';
import { bytes, clientFor, REGION, start, tempDir, text } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(now?: () => number, onAppend?: (stream: string) => void): Promise<{ server: EventStreamServer; kinesis: KinesisClient; dir: string }> {
  const tmp = tempDir();
  const server = await start(tmp.dir, { ...(now ? { now } : {}), ...(onAppend ? { onAppend } : {}) });
  const kinesis = clientFor(server);
  cleanups.push(tmp.remove, () => server.close(), () => kinesis.destroy());
  return { server, kinesis, dir: tmp.dir };
}

const SHARD = 'shardId-000000000000';

describe('iterators and retention', () => {
  it('expires shard iterators after 5 minutes', async () => {
    let clock = Date.now();
    const { kinesis } = await setup(() => clock);
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: 's', ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' }));
    clock += 4 * 60_000;
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    clock += 2 * 60_000;
    // The first iterator is now 6 minutes old; the one GetRecords handed back is 2 minutes old.
    await expect(kinesis.send(new GetRecordsCommand({ ShardIterator }))).rejects.toBeInstanceOf(ExpiredIteratorException);
    await expect(kinesis.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator }))).resolves.toBeDefined();
  });

  it('starts AT_TIMESTAMP at the first record that arrived at or after it', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { kinesis } = await setup(() => clock);
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    for (const m of ['a', 'b', 'c']) {
      await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: bytes(m) }));
      clock += 1000;
    }
    const { ShardIterator } = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: 's', ShardId: SHARD, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(Date.UTC(2026, 0, 1) + 1000) }),
    );
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect(page.Records?.map((r) => text(r.Data))).toEqual(['b', 'c']);
    expect(page.Records?.[0]?.ApproximateArrivalTimestamp?.getTime()).toBe(Date.UTC(2026, 0, 1) + 1000);
  });

  it('trims records older than the retention period', async () => {
    let clock = Date.now();
    const { server, kinesis } = await setup(() => clock);
    await kinesis.send(new CreateStreamCommand({ StreamName: 'short', ShardCount: 1 }));
    await kinesis.send(new CreateStreamCommand({ StreamName: 'long', ShardCount: 1 }));
    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 'long', RetentionPeriodHours: 48 }));
    for (const s of ['short', 'long']) await kinesis.send(new PutRecordCommand({ StreamName: s, PartitionKey: 'k', Data: bytes('old') }));
    clock += 25 * 3_600_000;
    await kinesis.send(new PutRecordCommand({ StreamName: 'short', PartitionKey: 'k', Data: bytes('new') }));
    expect(server.trim()).toBe(1);
    const read = async (s: string) => {
      const it = await kinesis.send(new GetShardIteratorCommand({ StreamName: s, ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' }));
      return (await kinesis.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }))).Records?.map((r) => text(r.Data));
    };
    expect(await read('short')).toEqual(['new']);
    expect(await read('long')).toEqual(['old']);
  });
});

describe('in-process reader', () => {
  it('reads batches after a sequence number without iterators', async () => {
    const { server, kinesis } = await setup();
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 2 }));
    expect(server.shardIds('s')).toEqual([SHARD, 'shardId-000000000001']);
    const tip = server.readShard('s', SHARD, { from: 'LATEST' });
    expect(tip.records).toEqual([]);
    for (let i = 0; i < 5; i++) await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', ExplicitHashKey: '0', Data: bytes(String(i)) }));
    const first = server.readShard('s', SHARD, { afterSequenceNumber: tip.next, limit: 3 });
    expect(first.records.map((r) => Buffer.from(r.Data, 'base64').toString())).toEqual(['0', '1', '2']);
    expect(first.millisBehindLatest).toBeGreaterThanOrEqual(0);
    const second = server.readShard('s', SHARD, { afterSequenceNumber: first.next, limit: 3 });
    expect(second.records.map((r) => Buffer.from(r.Data, 'base64').toString())).toEqual(['3', '4']);
    expect(BigInt(second.records[0]?.SequenceNumber ?? '0')).toBeGreaterThan(BigInt(first.next));
  });
});

describe('telling this region’s pollers', () => {
  it('names the stream after each put that stored records, and only then', async () => {
    const heard: string[] = [];
    const { kinesis } = await setup(undefined, (stream) => heard.push(stream));
    await kinesis.send(new CreateStreamCommand({ StreamName: 'told', ShardCount: 1 }));
    expect(heard).toEqual([]);
    await kinesis.send(new PutRecordCommand({ StreamName: 'told', PartitionKey: 'k', Data: bytes('a') }));
    await kinesis.send(new PutRecordsCommand({ StreamName: 'told', Records: [{ PartitionKey: 'k', Data: bytes('b') }, { PartitionKey: 'j', Data: bytes('c') }] }));
    await expect(kinesis.send(new PutRecordCommand({ StreamName: 'missing', PartitionKey: 'k', Data: bytes('x') }))).rejects.toThrow();
    expect(heard).toEqual(['told', 'told']);
  });
});

describe('protocols and crashes', () => {
  it('answers plain HTTP/1.1 as well as the SDK’s HTTP/2', async () => {
    const { server } = await setup();
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'Kinesis_20131202.DescribeStream', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ StreamName: 'missing' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await res.json()).toEqual({ __type: 'ResourceNotFoundException', message: 'Stream missing under account 000000000000 not found.' });
  });

  it('keeps every acknowledged PutRecord when the process is killed with SIGKILL', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const fixture = fileURLToPath(new URL('./fixtures/serveEventStream.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, tmp.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const kinesis = new KinesisClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'l', secretAccessKey: 'l' }, maxAttempts: 1 });
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    const acked: string[] = [];
    for (let i = 0; i < 50; i++) {
      await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: bytes(String(i)) }));
      acked.push(String(i));
    }
    child.kill('SIGKILL');
    await once(child, 'exit');
    kinesis.destroy();

    const server = await start(tmp.dir);
    cleanups.push(() => server.close());
    expect(server.readShard('s', SHARD, { limit: 1000 }).records.map((r) => Buffer.from(r.Data, 'base64').toString())).toEqual(acked);
  });
});
