import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionRuntime, type EventSourceMapping, type FunctionRuntime, type FunctionRuntimeOptions } from '../index.js';
import { bundleFixtures, type BundledFixtures } from './bundledFixtures.js';
import { startDynamodbLocal, type RunningDynamodbLocal } from './dynamodbLocal.js';
import { deliveredIds, eventually, invocations, idsOf } from './recordFile.js';

let bundles: BundledFixtures;
const region = 'us-west-2';
const accountId = '123456789012';

describe('DynamoDB stream event source', () => {
  let ddb: RunningDynamodbLocal;
  let admin: DynamoDBClient;
  let dir: string;
  const runtimes: FunctionRuntime[] = [];

  const options = (dataDir: string): FunctionRuntimeOptions => ({ region, accountId, dataDir, regionEnvironment: { AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint } });
  const newRuntime = (dataDir: string) => {
    const runtime = createFunctionRuntime(options(dataDir));
    runtimes.push(runtime);
    return runtime;
  };

  /** A table with a stream, a recorder function for it, and its mapping (not yet added). */
  async function scenario(name: string, env: Record<string, string> = {}, mapping: Partial<EventSourceMapping> = {}) {
    await admin.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const file = join(dir, `${name}.jsonl`);
    const fn = { name: `${name}-fn`, handlerFile: bundles.file('streamRecorder.ts'), handlerExport: 'handler', environment: { RECORD_FILE: file, ...env } };
    const esm = {
      id: `${name}-mapping`,
      functionName: fn.name,
      type: 'dynamodb',
      endpoint: ddb.endpoint,
      tableName: name,
      batchSize: 10,
      startingPosition: 'TRIM_HORIZON',
      ...mapping,
    } as EventSourceMapping;
    const put = async (...ids: string[]) => {
      for (const id of ids) await admin.send(new PutItemCommand({ TableName: name, Item: { id: { S: id }, at: { N: String(Date.now()) } } }));
    };
    return { file, fn, esm, put };
  }

  beforeAll(async () => {
    bundles = await bundleFixtures(fileURLToPath(new URL('./fixtures', import.meta.url)), ['streamRecorder.ts']);
    ddb = await startDynamodbLocal();
    admin = new DynamoDBClient({ endpoint: ddb.endpoint, region, credentials: { accessKeyId: 'meridianlocal', secretAccessKey: 'meridianlocal' } });
    dir = mkdtempSync(join(tmpdir(), 'meridian-streams-'));
  });

  afterAll(async () => {
    for (const runtime of runtimes) await runtime.close();
    admin?.destroy();
    await ddb?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (bundles) rmSync(bundles.dir, { recursive: true, force: true });
  });

  it('delivers every write, in order, in batches of at most batchSize, in AWS’s event shape with the real region', async () => {
    const runtime = newRuntime(join(dir, 'orders-state'));
    const { file, fn, esm, put } = await scenario('orders');
    await runtime.deploy(fn);
    await runtime.addEventSource(esm);
    await runtime.addEventSource(esm); // idempotent by id
    const ids = Array.from({ length: 25 }, (_, i) => `order-${String(i).padStart(2, '0')}`);
    await put(...ids);

    await eventually(() => deliveredIds(file).length >= 25, 20_000, 'all 25 writes');
    expect(deliveredIds(file)).toEqual(ids);
    expect(invocations(file).every((i) => i.records.length <= 10)).toBe(true);
    const first = invocations(file)[0]!.records[0]!;
    expect(first).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { id: { S: 'order-00' } },
        NewImage: { id: { S: 'order-00' }, at: { N: expect.any(String) } },
        SequenceNumber: expect.any(String),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: expect.stringMatching(new RegExp(`^arn:aws:dynamodb:${region}:${accountId}:table/orders/stream/`)),
    });
    expect(JSON.stringify(invocations(file))).not.toContain('ddblocal');
    expect(runtime.faults()).toEqual([]);
  });

  it('retries a record that keeps failing a bounded number of times, makes it a fault, and processes the records after it', async () => {
    const runtime = newRuntime(join(dir, 'poison-state'));
    const { file, fn, esm, put } = await scenario('poison', { POISON_ID: 'p-4' }, { maximumRetryAttempts: 2 });
    const ids = Array.from({ length: 9 }, (_, i) => `p-${i + 1}`);
    await put(...ids);
    await runtime.deploy(fn);
    await runtime.addEventSource(esm);

    await eventually(() => runtime.faults().length === 1, 20_000, 'the fault');
    await eventually(() => ids.every((id) => deliveredIds(file).includes(id)), 10_000, 'the records after the poison');
    const [fault] = runtime.faults();
    expect(fault).toMatchObject({
      functionName: 'poison-fn',
      source: expect.stringMatching(new RegExp(`^arn:aws:dynamodb:${region}:${accountId}:table/poison/stream/`)),
      record: { eventName: 'INSERT', awsRegion: region, dynamodb: { Keys: { id: { S: 'p-4' } } } },
      error: { name: 'Error', message: 'cannot handle p-4' },
      attempts: 3,
    });

    // Bounded: the bisections that isolate it, then 1 + maximumRetryAttempts tries alone; then never again.
    const tries = () => invocations(file).filter((i) => idsOf(i).includes('p-4')).length;
    const settled = tries();
    expect(settled).toBeLessThanOrEqual(Math.ceil(Math.log2(9)) + 1 + 2);
    expect(invocations(file).filter((i) => idsOf(i).length === 1 && idsOf(i)[0] === 'p-4')).toHaveLength(3);
    await put('p-10');
    await eventually(() => deliveredIds(file).includes('p-10'), 10_000, 'a later write');
    expect(tries()).toBe(settled);
    expect(runtime.faults()).toHaveLength(1);
  });

  it('honours a partial batch response: records before the failed one are not delivered again', async () => {
    const runtime = newRuntime(join(dir, 'partial-state'));
    const { file, fn, esm, put } = await scenario('partial', { POISON_ID: 'q-5', FAILURE_MODE: 'partial' }, { maximumRetryAttempts: 1 });
    const ids = Array.from({ length: 8 }, (_, i) => `q-${i + 1}`);
    await put(...ids);
    await runtime.deploy(fn);
    await runtime.addEventSource(esm);

    await eventually(() => runtime.faults().length === 1 && ids.every((id) => deliveredIds(file).includes(id)), 20_000, 'fault and all records');
    const delivered = deliveredIds(file);
    for (const id of ['q-1', 'q-2', 'q-3', 'q-4']) expect(delivered.filter((d) => d === id)).toHaveLength(1);
    expect(runtime.faults()[0]).toMatchObject({ error: { name: 'BatchItemFailure' }, attempts: 2, record: { dynamodb: { Keys: { id: { S: 'q-5' } } } } });
  });

  it('resumes after a restart from the last checkpoint without delivering acknowledged batches again', async () => {
    const dataDir = join(dir, 'restart-state');
    const first = newRuntime(dataDir);
    const { file, fn, esm, put } = await scenario('restart');
    await first.deploy(fn);
    await first.addEventSource(esm);
    await put('r-1', 'r-2', 'r-3', 'r-4', 'r-5');
    await eventually(() => deliveredIds(file).length === 5, 20_000, 'the first writes');
    await new Promise((r) => setTimeout(r, 200)); // the checkpoint follows the handler's answer
    await first.close();

    await put('r-6', 'r-7', 'r-8'); // written while the runtime is down
    const second = newRuntime(dataDir);
    await second.deploy(fn);
    await second.addEventSource(esm);
    await eventually(() => deliveredIds(file).length >= 8, 20_000, 'the writes made while down');
    await new Promise((r) => setTimeout(r, 300));
    expect(deliveredIds(file)).toEqual(['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6', 'r-7', 'r-8']);
  });

  it('stops processing while paused and delivers everything written meanwhile on resume', async () => {
    const runtime = newRuntime(join(dir, 'pause-state'));
    const { file, fn, esm, put } = await scenario('outage');
    await runtime.deploy(fn);
    await runtime.addEventSource(esm);
    await put('o-1');
    await eventually(() => deliveredIds(file).length === 1, 20_000, 'the first write');

    await runtime.pause();
    await put('o-2', 'o-3');
    await new Promise((r) => setTimeout(r, 500));
    expect(deliveredIds(file)).toEqual(['o-1']);

    await runtime.resume();
    await eventually(() => deliveredIds(file).includes('o-3'), 20_000, 'the writes made while paused');
    await new Promise((r) => setTimeout(r, 300));
    // At least once: a pause that lands between o-1's answer and its checkpoint delivers o-1 again.
    const delivered = deliveredIds(file);
    expect([...new Set(delivered)]).toEqual(['o-1', 'o-2', 'o-3']);
    expect(delivered.filter((id) => id !== 'o-1')).toEqual(['o-2', 'o-3']);
  });

  it('starts at LATEST when asked, skipping what was written before the mapping', async () => {
    const runtime = newRuntime(join(dir, 'latest-state'));
    const { file, fn, esm, put } = await scenario('latest', {}, { startingPosition: 'LATEST' });
    await put('old-1', 'old-2');
    await runtime.deploy(fn);
    await runtime.addEventSource(esm);
    await new Promise((r) => setTimeout(r, 500)); // let the mapping take its position
    await put('new-1');
    await eventually(() => deliveredIds(file).length >= 1, 20_000, 'the new write');
    await new Promise((r) => setTimeout(r, 200));
    expect(deliveredIds(file)).toEqual(['new-1']);
  });
});
