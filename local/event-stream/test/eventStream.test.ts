import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-kinesis';
import type { EventStreamServer } from '../index.js';
import { evenHashKeyRanges, hashKeyOf } from '../hashKey.js';
import { ACCOUNT, REGION, bytes, clientFor, start, tempDir, text } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let server: EventStreamServer;
let kinesis: KinesisClient;

beforeEach(async () => {
  tmp = tempDir();
  server = await start(tmp.dir);
  kinesis = clientFor(server);
});

afterEach(async () => {
  kinesis.destroy();
  await server.close();
  tmp.remove();
});

async function iterator(stream: string, shardId: string, type: 'TRIM_HORIZON' | 'LATEST'): Promise<string> {
  const out = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: type }));
  return out.ShardIterator ?? '';
}

async function readAll(stream: string, shardId: string, from: string): Promise<Array<{ key: string; data: string; seq: string }>> {
  const out: Array<{ key: string; data: string; seq: string }> = [];
  let it: string | undefined = from;
  for (;;) {
    const page: GetRecordsCommandOutput = await kinesis.send(new GetRecordsCommand({ ShardIterator: it }));
    for (const r of page.Records ?? []) out.push({ key: r.PartitionKey ?? '', data: text(r.Data), seq: r.SequenceNumber ?? '' });
    it = page.NextShardIterator;
    if ((page.Records ?? []).length === 0) return out;
  }
}

describe('streams', () => {
  it('creates, describes, lists and deletes a stream with its ARN and hash key ranges', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 2 }));
    const d = await kinesis.send(new DescribeStreamCommand({ StreamName: 'orders' }));
    expect(d.StreamDescription?.StreamARN).toBe(`arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/orders`);
    expect(d.StreamDescription?.StreamStatus).toBe('ACTIVE');
    expect(d.StreamDescription?.RetentionPeriodHours).toBe(24);
    expect(d.StreamDescription?.StreamCreationTimestamp).toBeInstanceOf(Date);
    expect(d.StreamDescription?.Shards?.map((s) => [s.ShardId, s.HashKeyRange?.StartingHashKey, s.HashKeyRange?.EndingHashKey])).toEqual([
      ['shardId-000000000000', '0', '170141183460469231731687303715884105727'],
      ['shardId-000000000001', '170141183460469231731687303715884105728', '340282366920938463463374607431768211455'],
    ]);
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'orders' }));
    expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(2);
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: 'orders', MaxResults: 1 }));
    expect(shards.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000000']);
    const rest = await kinesis.send(new ListShardsCommand({ NextToken: shards.NextToken }));
    expect(rest.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000001']);
    expect(rest.NextToken).toBeUndefined();

    await expect(kinesis.send(new CreateStreamCommand({ StreamName: 'orders', ShardCount: 1 }))).rejects.toBeInstanceOf(ResourceInUseException);
    await kinesis.send(new CreateStreamCommand({ StreamName: 'audit' }));
    const list = await kinesis.send(new ListStreamsCommand({}));
    expect(list.StreamNames).toEqual(['audit', 'orders']);
    expect(list.StreamSummaries?.[0]?.StreamARN).toBe(`arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/audit`);

    await kinesis.send(new DeleteStreamCommand({ StreamName: 'orders' }));
    expect((await kinesis.send(new ListStreamsCommand({}))).StreamNames).toEqual(['audit']);
  });

  it('names errors the way Kinesis does, so the SDK throws them by class', async () => {
    const missing = kinesis.send(new PutRecordCommand({ StreamName: 'nope', PartitionKey: 'k', Data: bytes('x') }));
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
    await expect(kinesis.send(new DescribeStreamCommand({ StreamName: 'nope' }))).rejects.toThrow(/Stream nope under account 000000000000 not found/);
    await expect(kinesis.send(new GetRecordsCommand({ ShardIterator: 'garbage!' }))).rejects.toMatchObject({ name: 'InvalidArgumentException' });
  });

  it('accepts a stream ARN in place of its name', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'by-arn', ShardCount: 1 }));
    const arn = `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/by-arn`;
    const put = await kinesis.send(new PutRecordCommand({ StreamARN: arn, PartitionKey: 'k', Data: bytes('x') }));
    expect(put.ShardId).toBe('shardId-000000000000');
    const elsewhere = kinesis.send(new PutRecordCommand({ StreamARN: `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/by-arn`, PartitionKey: 'k', Data: bytes('x') }));
    await expect(elsewhere).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: `Stream by-arn under account ${ACCOUNT} not found.` });
    for (const notAStream of [`arn:aws:sns:${REGION}:${ACCOUNT}:by-arn`, `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/`, 'by-arn']) {
      await expect(kinesis.send(new PutRecordCommand({ StreamARN: notAStream, PartitionKey: 'k', Data: bytes('x') }))).rejects.toMatchObject({ name: 'InvalidArgumentException' });
    }
  });
});

describe('records', () => {
  it('keeps order per partition key and returns sequence numbers increasing per shard', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    const seqs: string[] = [];
    for (let i = 0; i < 20; i++) {
      const out = await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: `k${i % 3}`, Data: bytes(`m${i}`) }));
      expect(out.SequenceNumber).toMatch(/^\d{56}$/);
      seqs.push(out.SequenceNumber ?? '');
    }
    const sorted = [...seqs].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    expect(sorted).toEqual(seqs);
    const records = await readAll('s', 'shardId-000000000000', await iterator('s', 'shardId-000000000000', 'TRIM_HORIZON'));
    for (const key of ['k0', 'k1', 'k2']) {
      const expected = Array.from({ length: 20 }, (_, i) => i).filter((i) => `k${i % 3}` === key).map((i) => `m${i}`);
      expect(records.filter((r) => r.key === key).map((r) => r.data)).toEqual(expected);
    }
    expect(records.map((r) => r.seq)).toEqual(seqs);
  });

  it('routes partition keys to shards by the MD5 hash key range, and honours ExplicitHashKey', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 'two', ShardCount: 2 }));
    const ranges = evenHashKeyRanges(2);
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const expectedShard = (key: string) => (hashKeyOf(key) <= (ranges[0]?.end ?? 0n) ? 'shardId-000000000000' : 'shardId-000000000001');
    for (const key of keys) {
      const out = await kinesis.send(new PutRecordCommand({ StreamName: 'two', PartitionKey: key, Data: bytes(key) }));
      expect(out.ShardId).toBe(expectedShard(key));
    }
    // A known vector: MD5("a") = 0cc175b9c0f1b6a831c399e269772661, in the lower half of the key space.
    expect(hashKeyOf('a').toString(16)).toBe('cc175b9c0f1b6a831c399e269772661');
    for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
      const got = await readAll('two', shardId, await iterator('two', shardId, 'TRIM_HORIZON'));
      expect(got.map((r) => r.key)).toEqual(keys.filter((k) => expectedShard(k) === shardId));
    }
    expect(new Set(keys.map(expectedShard)).size).toBe(2);
    const explicit = await kinesis.send(
      new PutRecordCommand({ StreamName: 'two', PartitionKey: 'x', ExplicitHashKey: ranges[1]?.start.toString(), Data: bytes('e') }),
    );
    expect(explicit.ShardId).toBe('shardId-000000000001');
  });

  it('reads from TRIM_HORIZON everything retained, from LATEST only what arrives afterwards', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: bytes('before') }));
    const horizon = await iterator('s', 'shardId-000000000000', 'TRIM_HORIZON');
    const latest = await iterator('s', 'shardId-000000000000', 'LATEST');
    const empty = await kinesis.send(new GetRecordsCommand({ ShardIterator: latest }));
    expect(empty.Records).toEqual([]);
    expect(empty.MillisBehindLatest).toBe(0);
    await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: bytes('after') }));
    expect((await readAll('s', 'shardId-000000000000', horizon)).map((r) => r.data)).toEqual(['before', 'after']);
    expect((await readAll('s', 'shardId-000000000000', empty.NextShardIterator ?? '')).map((r) => r.data)).toEqual(['after']);
  });

  it('resumes AFTER_SEQUENCE_NUMBER a sequence number from before a restart, and AT_SEQUENCE_NUMBER at it', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    const seqs: string[] = [];
    for (const m of ['a', 'b', 'c', 'd']) {
      seqs.push((await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: bytes(m) }))).SequenceNumber ?? '');
    }
    const checkpoint = seqs[1];
    await server.close();
    server = await start(tmp.dir);
    kinesis.destroy();
    kinesis = clientFor(server);
    const after = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }),
    );
    expect((await readAll('s', 'shardId-000000000000', after.ShardIterator ?? '')).map((r) => r.data)).toEqual(['c', 'd']);
    const at = await kinesis.send(
      new GetShardIteratorCommand({ StreamName: 's', ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }),
    );
    expect((await readAll('s', 'shardId-000000000000', at.ShardIterator ?? '')).map((r) => r.data)).toEqual(['b', 'c', 'd']);

  });

  it('returns batches no larger than Limit, with MillisBehindLatest while behind', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    await kinesis.send(
      new PutRecordsCommand({ StreamName: 's', Records: Array.from({ length: 25 }, (_, i) => ({ PartitionKey: 'k', Data: bytes(String(i)) })) }),
    );
    let it = await iterator('s', 'shardId-000000000000', 'TRIM_HORIZON');
    const sizes: number[] = [];
    const seen: string[] = [];
    for (;;) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10 }));
      if ((page.Records ?? []).length === 0) break;
      sizes.push(page.Records?.length ?? 0);
      seen.push(...(page.Records ?? []).map((r) => text(r.Data)));
      expect(page.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
      expect(page.MillisBehindLatest).toBeGreaterThanOrEqual(0);
      it = page.NextShardIterator ?? '';
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
    await expect(kinesis.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10_001 }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('reports PutRecords results per record: throttled records fail, the rest are stored', async () => {
    await server.close();
    server = await start(tmp.dir, { shardWriteLimits: { recordsPerSecond: 3, bytesPerSecond: 1_000_000 } });
    kinesis.destroy();
    kinesis = clientFor(server);
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 1 }));
    const out = await kinesis.send(
      new PutRecordsCommand({ StreamName: 's', Records: ['a', 'b', 'c', 'd', 'e'].map((m) => ({ PartitionKey: 'k', Data: bytes(m) })) }),
    );
    expect(out.FailedRecordCount).toBe(2);
    expect(out.Records?.map((r) => r.ErrorCode ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ProvisionedThroughputExceededException', 'ProvisionedThroughputExceededException']);
    expect(out.Records?.[0]).toMatchObject({ ShardId: 'shardId-000000000000', SequenceNumber: expect.stringMatching(/^\d{56}$/) });
    const stored = await readAll('s', 'shardId-000000000000', await iterator('s', 'shardId-000000000000', 'TRIM_HORIZON'));
    expect(stored.map((r) => r.data)).toEqual(['a', 'b', 'c']);
  });

  it('keeps acknowledged records across a close and restart', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: 's', ShardCount: 2 }));
    const puts = await Promise.all(
      ['p', 'q', 'r', 's'].map((k) => kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: k, Data: bytes(`v-${k}`) }))),
    );
    await server.close();
    server = await start(tmp.dir);
    kinesis.destroy();
    kinesis = clientFor(server);
    const got: string[] = [];
    for (const shardId of ['shardId-000000000000', 'shardId-000000000001']) {
      got.push(...(await readAll('s', shardId, await iterator('s', shardId, 'TRIM_HORIZON'))).map((r) => `${r.data}@${r.seq}`));
    }
    expect(got.sort()).toEqual(puts.map((p, i) => `v-${['p', 'q', 'r', 's'][i]}@${p.SequenceNumber}`).sort());
    const next = await kinesis.send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'p', Data: bytes('later') }));
    expect(BigInt(next.SequenceNumber ?? '0')).toBeGreaterThan(BigInt(puts[0]?.SequenceNumber ?? '0'));
  });
});
