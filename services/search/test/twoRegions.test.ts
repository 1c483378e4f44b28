import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger } from '../../toolkit/test/support/capturingLogger.js';
import { applyReadModelChanges } from '../src/app/viewListener.js';
import type { DynamoDBStreamEvent as DynamoDbStreamEvent } from 'aws-lambda';
import { startSearchRegions, until, type SearchRegions } from './support/searchRegions.js';

/*
 * The whole search data flow across two regions on real components (object stores, topics, engines),
 * without the deployer: the listener writes a view in the region that took the write, the indexer and
 * the replicator run from each bucket's notifications, and each region's engine ends up with the view.
 */
let cloud: SearchRegions;

beforeAll(async () => {
  cloud = await startSearchRegions(['us-east-1', 'us-west-2']);
});

afterAll(async () => {
  await cloud?.close();
});

/** A read-model stream record for a write taken in `origin`. */
function readModelWrite(origin: string, id: string, fields: { name: string; description?: string; removed?: boolean }, seq: number): DynamoDbStreamEvent {
  return {
    Records: [{
      eventName: 'MODIFY',
      dynamodb: {
        SequenceNumber: String(seq),
        NewImage: {
          id: { S: id },
          name: { S: fields.name },
          ...(fields.description ? { description: { S: fields.description } } : {}),
          status: { S: 'locationValidated' },
          updatedAt: { S: new Date(Date.now() + seq).toISOString() },
          updatedIn: { S: origin },
          removed: { BOOL: fields.removed ?? false },
          'meridian:origin': { S: origin },
        },
      },
    }],
  };
}

const listen = async (region: string, event: DynamoDbStreamEvent) =>
  expect(await applyReadModelChanges({ views: cloud.region(region).views, region, log: capturingLogger() }, event)).toEqual({ batchItemFailures: [] });
const searchIn = async (region: string, text: string) => (await cloud.region(region).search.search(text, 10)).map((h) => h.id);
const foundIn = (region: string, text: string, id: string) => until(`${id} found by "${text}" in ${region}`, async () => ((await searchIn(region, text)).includes(id) ? true : undefined));
const goneFrom = (region: string, text: string, id: string) => until(`${id} gone from ${region}`, async () => ((await searchIn(region, text)).includes(id) ? undefined : true));

describe('search views in two regions', () => {
  it('a destination written in us-east-1 is found in both regions; the us-west-2 copy names its origin bucket', async () => {
    const [east, west] = cloud.regions as [typeof cloud.regions[0], typeof cloud.regions[0]];
    await listen('us-east-1', readModelWrite('us-east-1', 'sintra', { name: 'Sintra', description: 'Palaces in the hills' }, 1));
    await foundIn('us-west-2', 'palaces', 'sintra');
    await foundIn('us-east-1', 'palaces', 'sintra');
    const copy = await west.s3.send(new HeadObjectCommand({ Bucket: west.bucket, Key: 'destinations/sintra.json' }));
    expect(copy.Metadata?.origin).toBe(east.bucket);
    // The record seen in us-west-2 (the replicated read-model item) writes nothing there.
    await listen('us-west-2', readModelWrite('us-east-1', 'sintra', { name: 'Sintra', description: 'Palaces in the hills' }, 1));
  });

  it('views written while us-west-2 is down are searchable there once it is back', async () => {
    await cloud.stopStore('us-west-2');
    try {
      for (let i = 0; i < 5; i++) await listen('us-east-1', readModelWrite('us-east-1', `during-outage-${i}`, { name: `Outage ${i}`, description: 'written while west was down' }, 10 + i));
      await until('the replicator to have failed against the stopped store', async () => (cloud.region('us-east-1').errors.length > 0 ? true : undefined));
      for (let i = 0; i < 5; i++) await foundIn('us-east-1', 'outage', `during-outage-${i}`);
    } finally {
      await cloud.startStore('us-west-2');
    }
    for (let i = 0; i < 5; i++) await foundIn('us-west-2', 'outage', `during-outage-${i}`);
  });

  it('a destination removed in us-west-2 disappears from search in both regions', async () => {
    await listen('us-west-2', readModelWrite('us-west-2', 'evora', { name: 'Évora', description: 'Roman temple' }, 20));
    await foundIn('us-east-1', 'temple', 'evora');
    await listen('us-west-2', readModelWrite('us-west-2', 'evora', { name: 'Évora', description: 'Roman temple', removed: true }, 21));
    await goneFrom('us-west-2', 'temple', 'evora');
    await goneFrom('us-east-1', 'temple', 'evora');
  });
});
