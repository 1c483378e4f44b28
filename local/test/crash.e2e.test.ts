import { join } from 'node:path';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MeridianConfig } from '../../regions/config.js';
import { readControlToken } from '../control/controlToken.js';
import { cloudStatus, processesMentioning, startCloudProcess } from './support/cloudProcess.js';
import { dynamoClients, getItem, registerGlobalTable, until } from './support/regionClients.js';
import { ensureCloud } from './support/testCloud.js';

let config: MeridianConfig;
let db: Record<string, DynamoDBClient>;

beforeAll(async () => {
  config = await ensureCloud();
  db = dynamoClients(config);
  await registerGlobalTable(config, 'crash-things');
});

describe('a crash of the whole local cloud', () => {
  it('loses no acknowledged write, and replication resumes after the restart', async () => {
    const acknowledged: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        try {
          await db['us-east-1']!.send(new PutItemCommand({ TableName: 'crash-things', Item: { id: { S: `w${i}` }, n: { N: String(i) } } }));
          acknowledged.push(`w${i}`);
        } catch {
          return; // the cloud is gone: this write was never acknowledged
        }
      }
    })();
    await until('some writes', async () => (acknowledged.length >= 150 ? true : undefined));
    const status = await cloudStatus(config);
    const tokenBefore = readControlToken(config.stateDir);
    process.kill(-status!.pid, 'SIGKILL'); // the supervisor, both regions and their JVMs, at once
    await writer;
    writing = false;
    await until('every process gone', async () => (processesMentioning(config.stateDir).length === 0 ? true : undefined), 10_000);

    const restarted = await startCloudProcess({ logFile: join(config.stateDir, 'cloud.log') });
    restarted.child.unref();
    // A new start, a new control token: one read from an earlier run's file is worth nothing now.
    expect(readControlToken(config.stateDir)).toMatch(/^[0-9a-f]{64}$/);
    expect(readControlToken(config.stateDir)).not.toBe(tokenBefore);
    for (const id of acknowledged) {
      expect(await getItem(db['us-east-1']!, 'crash-things', { id: { S: id } }), `${id} in us-east-1`).toBeDefined();
    }
    for (const id of acknowledged) {
      await until(`${id} replicated to us-west-2`, () => getItem(db['us-west-2']!, 'crash-things', { id: { S: id } }));
    }
    // A restart starts two JVMs and both region hosts (unchanged services are not deployed again): a minute or more on a loaded machine.
  }, 180_000);
});
