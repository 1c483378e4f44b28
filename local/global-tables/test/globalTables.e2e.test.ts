import { PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeridianConfig } from '../../../regions/config.js';
import { cloudStatus, meridian } from '../../test/support/cloudProcess.js';
import { dynamoClients, getItem, registerGlobalTable, until } from '../../test/support/regionClients.js';
import { ensureCloud } from '../../test/support/testCloud.js';

// Against the running local cloud: the regions' real DynamoDB Local endpoints and the real CLI.
let config: MeridianConfig;
let db: Record<string, DynamoDBClient>;
const key = (id: string) => ({ id: { S: id } });
const put = (region: string, table: string, item: Record<string, AttributeValue>) =>
  db[region]!.send(new PutItemCommand({ TableName: table, Item: item }));

beforeAll(async () => {
  config = await ensureCloud();
  db = dynamoClients(config);
  await registerGlobalTable(config, 'e2e-things');
  await registerGlobalTable(config, 'e2e-legacy', 'legacy');
});

afterAll(async () => {
  await meridian('recover', 'us-west-2');
  for (const region of ['us-east-1', 'us-west-2']) await meridian('resume-replication', region);
});

/** The replicator's view of a region, from the front door's status (what `meridian status` prints). */
const replicationOf = async (region: string) => {
  const found = (await cloudStatus(config))?.replication.regions.find((r) => r.region === region);
  if (!found) throw new Error(`no replication status for ${region}`);
  return found;
};

describe('global tables in the local cloud', () => {
  it('an item written in us-east-1 is read in us-west-2', async () => {
    await put('us-east-1', 'e2e-things', { id: { S: 'east-1' }, name: { S: 'Porto' } });
    expect(await until('the item in us-west-2', () => getItem(db['us-west-2']!, 'e2e-things', key('east-1'))))
      .toEqual({ id: { S: 'east-1' }, name: { S: 'Porto' } });
  });

  it('concurrent writes of the same key in both regions converge to one identical item', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `both-${i}`);
    await Promise.all(ids.flatMap((id) => ['us-east-1', 'us-west-2'].map((region) =>
      put(region, 'e2e-things', { id: { S: id }, writtenIn: { S: region } }))));
    for (const id of ids) {
      await until(`${id} identical in both regions`, async () => {
        const [e, w] = await Promise.all(['us-east-1', 'us-west-2'].map((r) => getItem(db[r]!, 'e2e-things', key(id))));
        return e && w && e.writtenIn?.S === w.writtenIn?.S ? true : undefined;
      });
    }
  });

  it('legacy mode adds aws:rep:updateregion naming the origin', async () => {
    await put('us-west-2', 'e2e-legacy', { id: { S: 'west-1' } });
    const replica = await until('the legacy replica', () => getItem(db['us-east-1']!, 'e2e-legacy', key('west-1')));
    expect(replica['aws:rep:updateregion']).toEqual({ S: 'us-west-2' });
  });

  it('a replication pause splits the regions, both keep serving, and they converge on the last write after resume', async () => {
    for (const region of ['us-east-1', 'us-west-2']) await meridian('pause-replication', region);
    const table = 'e2e-things';
    await put('us-east-1', table, { id: { S: 'split' }, writtenIn: { S: 'us-east-1' } });
    await put('us-east-1', table, { id: { S: 'east-during-pause' } });
    // The west write comes after the replicator has seen the east one: it is the later write.
    await until('the east writes to wait for us-west-2', async () => ((await replicationOf('us-west-2')).pending >= 2 ? true : undefined));
    await put('us-west-2', table, { id: { S: 'split' }, writtenIn: { S: 'us-west-2' } });
    await until('the west write to wait for us-east-1', async () => ((await replicationOf('us-east-1')).pending >= 1 ? true : undefined));
    expect((await replicationOf('us-west-2')).inboundPaused).toBe(true);
    expect(await meridian('status')).toMatch(/replication in: PAUSED, \d+ waiting/);
    // Split: each region serves its own write, and nothing crossed.
    expect((await getItem(db['us-east-1']!, table, key('split')))?.writtenIn).toEqual({ S: 'us-east-1' });
    expect((await getItem(db['us-west-2']!, table, key('split')))?.writtenIn).toEqual({ S: 'us-west-2' });
    expect(await getItem(db['us-west-2']!, table, key('east-during-pause'))).toBeUndefined();

    for (const region of ['us-east-1', 'us-west-2']) await meridian('resume-replication', region);
    await until('east-during-pause in us-west-2', () => getItem(db['us-west-2']!, table, key('east-during-pause')));
    for (const region of ['us-east-1', 'us-west-2']) {
      await until(`split to converge on the last write in ${region}`, async () =>
        (await getItem(db[region]!, table, key('split')))?.writtenIn?.S === 'us-west-2' ? true : undefined);
    }
    expect((await replicationOf('us-west-2')).inboundPaused).toBe(false);
  });

  it('during an outage of us-west-2 writes in us-east-1 succeed, and all reach us-west-2 after recover', async () => {
    await meridian('outage', 'us-west-2');
    const ids = Array.from({ length: 40 }, (_, i) => `during-outage-${i}`);
    for (const id of ids) await put('us-east-1', 'e2e-things', { id: { S: id }, n: { N: '1' } });
    const status = JSON.parse(await meridian('status', '--json')) as { replication: { regions: { region: string; pending: number }[] } };
    expect(status.replication.regions.find((r) => r.region === 'us-west-2')?.pending).toBeGreaterThanOrEqual(ids.length);
    await meridian('recover', 'us-west-2');
    for (const id of ids) await until(`${id} in us-west-2 after recovery`, () => getItem(db['us-west-2']!, 'e2e-things', key(id)));
    const after = JSON.parse(await meridian('status', '--json')) as { replication: { regions: { region: string; lag: { samples: number } }[] } };
    expect(after.replication.regions.find((r) => r.region === 'us-west-2')?.lag.samples).toBeGreaterThan(0);
  });
});
