import { request } from 'node:http';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials } from '../../credentials.js';
import { freePort } from '../../http/freePort.js';
import { startDynamoDbFront, type DynamoDbCall, type DynamoDbFront } from '../dynamoDbFront.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../dynamoDbLocal.js';

describe('DynamoDB front before DynamoDB Local', () => {
  let jvm: DynamoDbLocal;
  let front: DynamoDbFront;
  let port: number;
  const answered: DynamoDbCall[] = [];
  let refuse: ((call: DynamoDbCall) => boolean) | undefined;

  beforeAll(async () => {
    jvm = await startDynamoDbLocal({ port: await freePort(), dataDir: null });
    port = await freePort();
    front = await startDynamoDbFront({
      port,
      upstream: jvm.endpoint,
      check: (call) => (refuse?.(call) ? { status: 400, type: 'AccessDeniedException', message: `not allowed: dynamodb:${call.operation}` } : undefined),
      onAnswered: (call) => answered.push(call),
    });
  });
  afterAll(async () => {
    await front?.close();
    await jvm?.stop();
  });

  const client = () => new DynamoDBClient({ endpoint: front.endpoint, region: 'us-east-1', credentials: localCredentials, maxAttempts: 1 });

  it('passes SDK calls through and reports each answered call with its operation and input', async () => {
    const db = client();
    await db.send(new CreateTableCommand({ TableName: 'things', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    await db.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: 'a' }, n: { N: '1' } } }));
    const got = await db.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'a' } } }));
    expect(got.Item?.n?.N).toBe('1');
    expect(answered.map((c) => c.operation)).toEqual(['CreateTable', 'PutItem', 'GetItem']);
    expect(answered[1]?.input?.TableName).toBe('things');
  });

  it('a refused call reaches the SDK as the named DynamoDB error and changes nothing', async () => {
    const db = client();
    refuse = (call) => call.operation === 'PutItem';
    try {
      await expect(db.send(new PutItemCommand({ TableName: 'things', Item: { id: { S: 'b' } } }))).rejects.toMatchObject({ name: 'AccessDeniedException', message: 'not allowed: dynamodb:PutItem' });
    } finally {
      refuse = undefined;
    }
    expect((await db.send(new GetItemCommand({ TableName: 'things', Key: { id: { S: 'b' } } }))).Item).toBeUndefined();
  });

  it('refuses a foreign Host with 421 before DynamoDB Local sees it', async () => {
    const before = answered.length;
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { host: `evil.example:${port}`, 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.end('{}');
    });
    expect(status).toBe(421);
    expect(answered.length).toBe(before);
  });
});
