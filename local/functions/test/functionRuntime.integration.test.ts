import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFunctionRuntime, type FunctionRuntime } from '../index.js';
import { bundleFixtures, type BundledFixtures } from './bundledFixtures.js';
import { startDynamodbLocal, type RunningDynamodbLocal } from './dynamodbLocal.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
let bundles: BundledFixtures;
/** The fixture's bundle: what the deployer hands the runtime. */
const fixture = (name: string) => bundles.file(name);
const credentials = { accessKeyId: 'meridianlocal', secretAccessKey: 'meridianlocal' };

interface EchoResult {
  event: unknown;
  functionName: string;
  remainingMs: number;
  threadId: number;
  env: Record<string, string>;
}

describe('function runtime', () => {
  let ddb: RunningDynamodbLocal;
  let runtime: FunctionRuntime;
  let dataDir: string;

  beforeAll(async () => {
    bundles = await bundleFixtures(FIXTURES, ['echo.ts', 'dynamodbWriter.ts', 'brokenModule.ts']);
    ddb = await startDynamodbLocal();
    dataDir = mkdtempSync(join(tmpdir(), 'meridian-functions-'));
    process.env['MERIDIAN_HOST_SECRET'] = 'must not leak into functions';
    runtime = createFunctionRuntime({
      region: 'us-west-2',
      accountId: '123456789012',
      dataDir,
      regionEnvironment: { AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint, STAGE: 'region-wide' },
    });
  });

  afterAll(async () => {
    await runtime?.close();
    await ddb?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(bundles.dir, { recursive: true, force: true });
  });

  it('gives each function its own environment, with Lambda’s variables and nothing of the host', async () => {
    const echo = { handlerFile: fixture('echo.ts'), handlerExport: 'handler' };
    await runtime.deploy({ name: 'alpha', ...echo, environment: { TABLE_NAME: 'alpha-table', STAGE: 'own' } });
    await runtime.deploy({ name: 'beta', ...echo, environment: { TABLE_NAME: 'beta-table', AWS_REGION: 'eu-west-1' } });

    const alpha = (await runtime.invoke('alpha', { hello: 'world' })) as EchoResult;
    const beta = (await runtime.invoke('beta', {})) as EchoResult;

    expect(alpha.event).toEqual({ hello: 'world' });
    expect(alpha.functionName).toBe('alpha');
    expect(alpha.env).toMatchObject({
      TABLE_NAME: 'alpha-table',
      STAGE: 'own',
      AWS_REGION: 'us-west-2',
      AWS_DEFAULT_REGION: 'us-west-2',
      AWS_LAMBDA_FUNCTION_NAME: 'alpha',
      AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
      AWS_ACCESS_KEY_ID: 'meridianlocal',
    });
    expect(alpha.env['MERIDIAN_HOST_SECRET']).toBeUndefined();
    // Reserved variables win over a function's own, as on AWS; region-wide ones sit underneath.
    expect(beta.env).toMatchObject({ TABLE_NAME: 'beta-table', STAGE: 'region-wide', AWS_REGION: 'us-west-2', AWS_LAMBDA_FUNCTION_NAME: 'beta' });
    expect(alpha.threadId).not.toBe(beta.threadId);
    expect(alpha.remainingMs).toBeGreaterThan(5000);
  });

  it('reaches DynamoDB Local from an unchanged `new DynamoDBClient({})` through AWS_ENDPOINT_URL_DYNAMODB', async () => {
    const admin = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'us-west-2', credentials });
    await admin.send(
      new CreateTableCommand({
        TableName: 'destinations',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await runtime.deploy({ name: 'writer', handlerFile: fixture('dynamodbWriter.ts'), handlerExport: 'handler', environment: { TABLE_NAME: 'destinations' } });

    expect(await runtime.invoke('writer', { id: 'lisbon' })).toEqual({ id: 'lisbon', writtenBy: 'writer' });
    const stored = await admin.send(new GetItemCommand({ TableName: 'destinations', Key: { id: { S: 'lisbon' } } }));
    expect(stored.Item).toEqual({ id: { S: 'lisbon' }, writtenBy: { S: 'writer' } });
    admin.destroy();
  });

  it('sends the SDK wherever AWS_ENDPOINT_URL_DYNAMODB points (a closed port fails the call)', async () => {
    await runtime.deploy({
      name: 'misdirected',
      handlerFile: fixture('dynamodbWriter.ts'),
      handlerExport: 'handler',
      environment: { TABLE_NAME: 'destinations', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' },
    });
    await expect(runtime.invoke('misdirected', { id: 'porto' })).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it('resolves the handler’s result and rejects with the handler’s own error, its stack in the TypeScript source', async () => {
    // The worker runs the bundle; its source map leads the stack back to the line of echo.ts that threw.
    await expect(runtime.invoke('alpha', { fail: 'no such destination' })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'no such destination',
      stack: expect.stringMatching(new RegExp(`at handler \\(${FIXTURES}/echo\\.ts:12:\\d+\\)`)),
    });
    await expect(runtime.invoke('nobody', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('runs bundles only: a TypeScript module is refused, saying how to deploy it', async () => {
    const source = join(FIXTURES, 'echo.ts');
    await expect(runtime.deploy({ name: 'unbundled', handlerFile: source, handlerExport: 'handler', environment: {} })).rejects.toMatchObject({
      name: 'UnbundledHandlerError',
      message: expect.stringContaining(`${source} is TypeScript, which Lambda does not run`),
    });
    expect(() => runtime.restore({ name: 'unbundled', handlerFile: source, handlerExport: 'handler', environment: {} })).toThrow(/is TypeScript/);
    expect(runtime.has('unbundled')).toBe(false);
  });

  it('fails a deployment whose module cannot load and keeps the previous version', async () => {
    await expect(
      runtime.deploy({ name: 'alpha', handlerFile: fixture('brokenModule.ts'), handlerExport: 'handler', environment: {} }),
    ).rejects.toThrow('cannot initialise');
    await expect(runtime.deploy({ name: 'alpha2', handlerFile: fixture('echo.ts'), handlerExport: 'missing', environment: {} })).rejects.toMatchObject({
      name: 'Runtime.HandlerNotFound',
    });
    expect(((await runtime.invoke('alpha', {})) as EchoResult).functionName).toBe('alpha');
  });

  it('fails an invocation that outlives its timeout and replaces the worker', async () => {
    await runtime.deploy({ name: 'slow', handlerFile: fixture('echo.ts'), handlerExport: 'handler', environment: {}, timeoutSeconds: 0.5 });
    const before = (await runtime.invoke('slow', {})) as EchoResult;

    const started = Date.now();
    await expect(runtime.invoke('slow', { sleepMs: 5000 })).rejects.toMatchObject({ name: 'Sandbox.Timedout', message: 'Task timed out after 0.50 seconds' });
    expect(Date.now() - started).toBeLessThan(2000);

    const after = (await runtime.invoke('slow', {})) as EchoResult;
    expect(after.threadId).not.toBe(before.threadId);
  });

  it('a timeout fails only its own invocation: the others in flight on that worker still answer', async () => {
    await runtime.deploy({ name: 'mixed', handlerFile: fixture('echo.ts'), handlerExport: 'handler', environment: {}, timeoutSeconds: 0.6 });
    const stuck = runtime.invoke('mixed', { sleepMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    // answers at ~800 ms, after the stuck one timed out at 600 ms, within its own 600 ms
    const quick = runtime.invoke('mixed', { sleepMs: 500 });
    await expect(stuck).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    expect(((await quick) as EchoResult).event).toEqual({ sleepMs: 500 });
    // and a fresh worker serves what comes next
    expect(((await runtime.invoke('mixed', {})) as EchoResult).functionName).toBe('mixed');
  });

  it('replaces the worker on redeploy', async () => {
    const before = (await runtime.invoke('beta', {})) as EchoResult;
    await runtime.deploy({ name: 'beta', handlerFile: fixture('echo.ts'), handlerExport: 'handler', environment: { TABLE_NAME: 'renamed' } });
    const after = (await runtime.invoke('beta', {})) as EchoResult;
    expect(after.threadId).not.toBe(before.threadId);
    expect(after.env['TABLE_NAME']).toBe('renamed');
  });

  it('holds invocations while paused and answers them on resume', async () => {
    await runtime.pause();
    let answered = false;
    const pending = runtime.invoke('alpha', { held: true }).then((r) => ((answered = true), r as EchoResult));
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBe(false);
    await runtime.resume();
    expect((await pending).event).toEqual({ held: true });
  });

  it('a restored function starts its worker on the first invocation; an idle worker stops and starts again when needed', async () => {
    const idle = createFunctionRuntime({ region: 'us-west-2', accountId: '123456789012', dataDir: join(dataDir, 'idle'), regionEnvironment: {}, idleWorkerMs: 300 });
    try {
      idle.restore({ name: 'restored', handlerFile: fixture('echo.ts'), handlerExport: 'handler', environment: { TABLE_NAME: 'kept' } });
      const first = (await idle.invoke('restored', {})) as EchoResult;
      expect(first.env['TABLE_NAME']).toBe('kept');
      expect(((await idle.invoke('restored', {})) as EchoResult).threadId).toBe(first.threadId); // warm
      // A long invocation is not cut short by the idle sweep, which runs every 300 ms here.
      expect(((await idle.invoke('restored', { sleepMs: 900 })) as EchoResult).threadId).toBe(first.threadId);
      await new Promise((r) => setTimeout(r, 1200));
      const later = (await idle.invoke('restored', { again: true })) as EchoResult;
      expect(later.event).toEqual({ again: true });
      expect(later.threadId).not.toBe(first.threadId);
    } finally {
      await idle.close();
    }
  });
});
