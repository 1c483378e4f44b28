import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand, DeleteItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../dynamodb/dynamoDbLocal.js';
import { freePort } from '../../http/freePort.js';
import { localCredentials } from '../../credentials.js';
import { openSqlite } from '../../storage/sqlite.js';
import { GlobalTableReplicator } from '../globalTableReplicator.js';
import { ReplicationState, type GlobalTableDefinition } from '../replicationState.js';

// Two real DynamoDB Local JVMs stand for two regions; the replicator between them is the thing under test.
const regions = ['us-east-1', 'us-west-2'] as const;
let dir: string;
const jvms: Record<string, DynamoDbLocal> = {};
const clients: Record<string, DynamoDBClient> = {};
let replicator: GlobalTableReplicator;

const def = (tableName: string, mode: 'current' | 'legacy'): GlobalTableDefinition => ({
  tableName,
  mode,
  keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const get = async (region: string, table: string, id: string) =>
  (await clients[region]!.send(new GetItemCommand({ TableName: table, Key: { id: { S: id } }, ConsistentRead: true }))).Item;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'meridian-gt-'));
  await Promise.all(regions.map(async (region) => {
    jvms[region] = await startDynamoDbLocal({ port: await freePort(), dataDir: null });
    clients[region] = new DynamoDBClient({ endpoint: jvms[region]!.endpoint, region, credentials: localCredentials });
  }));
  replicator = new GlobalTableReplicator({
    regions: regions.map((region) => ({ region, endpoint: jvms[region]!.endpoint })),
    state: new ReplicationState(openSqlite(join(dir, 'state.db'))),
  });
  await replicator.register(def('current', 'current'));
  await replicator.register(def('legacy', 'legacy'));
  replicator.start();
});

afterAll(async () => {
  await replicator?.stop();
  await Promise.all(Object.values(jvms).map((j) => j.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('global table replication between two DynamoDB Local regions', () => {
  it('creates the replica in every region and carries a write across, adding no attributes in current mode', async () => {
    await clients['us-east-1']!.send(new PutItemCommand({ TableName: 'current', Item: { id: { S: 'a' }, name: { S: 'Lisbon' } } }));
    const item = await until('item in us-west-2', () => get('us-west-2', 'current', 'a'));
    expect(item).toEqual({ id: { S: 'a' }, name: { S: 'Lisbon' } });
  });

  it('replicates deletes', async () => {
    await clients['us-west-2']!.send(new PutItemCommand({ TableName: 'current', Item: { id: { S: 'd' }, v: { N: '1' } } }));
    await until('item in us-east-1', () => get('us-east-1', 'current', 'd'));
    await clients['us-east-1']!.send(new DeleteItemCommand({ TableName: 'current', Key: { id: { S: 'd' } } }));
    await until('delete in us-west-2', async () => ((await get('us-west-2', 'current', 'd')) ? undefined : true));
  });

  it('converges concurrent writes of one key in both regions to one identical item', async () => {
    for (let round = 0; round < 20; round++) {
      const id = `c${round}`;
      await Promise.all(regions.map((region) =>
        clients[region]!.send(new PutItemCommand({ TableName: 'current', Item: { id: { S: id }, writer: { S: region }, round: { N: String(round) } } }))));
    }
    for (let round = 0; round < 20; round++) {
      const id = `c${round}`;
      const both = await until(`convergence of ${id}`, async () => {
        const [e, w] = await Promise.all(regions.map((r) => get(r, 'current', id)));
        return e && w && JSON.stringify(sorted(e)) === JSON.stringify(sorted(w)) ? e : undefined;
      });
      expect(both.round).toEqual({ N: String(round) });
    }
    await expectQuiet();
  });

  it('stamps aws:rep:* in legacy mode, in the origin and the replica alike', async () => {
    await clients['us-west-2']!.send(new PutItemCommand({ TableName: 'legacy', Item: { id: { S: 'l' }, name: { S: 'Oslo' } } }));
    const replica = await until('legacy item in us-east-1', () => get('us-east-1', 'legacy', 'l'));
    expect(replica['aws:rep:updateregion']).toEqual({ S: 'us-west-2' });
    expect(replica['aws:rep:deleting']).toEqual({ BOOL: false });
    expect(Number(replica['aws:rep:updatetime']?.N)).toBeGreaterThan(1.7e9);
    const origin = await until('stamp in the origin', async () => {
      const item = await get('us-west-2', 'legacy', 'l');
      return item?.['aws:rep:updateregion'] ? item : undefined;
    });
    expect(sorted(origin)).toEqual(sorted(replica));
    await expectQuiet();
  });

  it('holds writes for a region in outage and applies them all when it is back', async () => {
    replicator.setAvailable('us-west-2', false);
    for (let i = 0; i < 30; i++) {
      await clients['us-east-1']!.send(new PutItemCommand({ TableName: 'current', Item: { id: { S: `o${i}` }, v: { N: String(i) } } }));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await get('us-west-2', 'current', 'o0')).toBeUndefined();
    expect(replicator.status().regions.find((r) => r.region === 'us-west-2')?.pending).toBe(30);
    replicator.setAvailable('us-west-2', true);
    for (let i = 0; i < 30; i++) await until(`o${i} after recovery`, () => get('us-west-2', 'current', `o${i}`));
  });
});

/** Once converged, nothing keeps bouncing between the regions: no more applies, nothing pending. */
async function expectQuiet(): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  const before = replicator.status().regions;
  await new Promise((r) => setTimeout(r, 500));
  const after = replicator.status().regions;
  expect(after.map((r) => r.lag.samples)).toEqual(before.map((r) => r.lag.samples));
  expect(after.map((r) => r.pending)).toEqual([0, 0]);
}

function sorted(item: Record<string, AttributeValue>): [string, AttributeValue][] {
  return Object.entries(item).sort(([a], [b]) => a.localeCompare(b));
}
