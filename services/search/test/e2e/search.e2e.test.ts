import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meridian } from '../../../../local/test/support/cloudProcess.js';
import { ensureCloud } from '../../../../local/test/support/testCloud.js';
import { EAST, eventually, requireSearchDeployed, searchCloud, WEST, type SearchCloud } from './searchCloud.js';

// Against the run's local cloud, which deploys services/destinations and services/search into both
// regions at start: destinations are proposed and removed through the real API, searched through each
// region's API and the front door, and the search buckets read with the S3 client.
let cloud: SearchCloud;

beforeAll(async () => {
  const config = await ensureCloud();
  await requireSearchDeployed(config);
  cloud = searchCloud(config);
});

afterAll(async () => {
  await meridian('recover', WEST).catch(() => undefined);
  cloud?.close();
});

/** A word no other destination has, so a search finds exactly what this test wrote. */
const uniqueWord = () => `w${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const ids = async (where: string, text: string) => (await cloud.search(where, text)).map((r) => r.id);
const hasOrigin = (region: string, id: string, origin: string) =>
  eventually(`${id}'s view in ${region} to name origin ${origin}`, async () => ((await cloud.viewMetadata(region, id))?.origin === origin ? true : undefined));
const foundIn = (where: string, text: string, id: string) =>
  eventually(`${id} found by "${text}" in ${where}`, async () => ((await ids(where, text)).includes(id) ? true : undefined));

describe('search across the regions of the local cloud', () => {
  it('finds a destination proposed in us-east-1 from us-west-2, us-east-1 and the front door; the us-west-2 copy names its origin', async () => {
    const word = uniqueWord();
    const id = await cloud.propose(EAST, { name: `Porto ${word}`, description: 'Port wine cellars by the Douro' });
    await foundIn(WEST, word, id);
    await foundIn(EAST, word, id);
    await foundIn('front-door', word, id);

    const [result] = await cloud.search(WEST, word);
    expect(result).toEqual({ id, name: `Porto ${word}`, description: 'Port wine cellars by the Douro', url: `${cloud.base('front-door')}/views/destinations/${id}` });
    // The link fetches the JSON view through the front door.
    const view = await fetch(result!.url);
    expect(view.status).toBe(200);
    expect(view.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await view.json()).toMatchObject({ id, name: `Porto ${word}`, description: 'Port wine cellars by the Douro' });

    // us-west-2's builder may also write the same read-model version (destinations' convergence), and then
    // its listener writes the same view first; the copy from us-east-1 wins the tie (replication/round-robin).
    await hasOrigin(WEST, id, cloud.bucket(EAST));
    expect((await cloud.viewMetadata(EAST, id))?.origin).toBeUndefined();
  });

  it('ranks a name match above a description match', async () => {
    const word = uniqueWord();
    const inDescription = await cloud.propose(WEST, { name: 'Coimbra', description: `University town, near ${word}` });
    const inName = await cloud.propose(EAST, { name: `${word} Beach`, description: 'Sand and surf' });
    await foundIn(WEST, word, inDescription);
    await foundIn(WEST, word, inName);
    expect(await ids(WEST, word)).toEqual([inName, inDescription]);
    expect(await eventually('both in us-east-1', async () => {
      const found = await ids(EAST, word);
      return found.length === 2 ? found : undefined;
    })).toEqual([inName, inDescription]);
  });

  it('views written while us-west-2 is in outage are searchable there after it recovers', async () => {
    const word = uniqueWord();
    await meridian('outage', WEST);
    const proposed: string[] = [];
    try {
      for (let i = 0; i < 5; i++) proposed.push(await cloud.propose(EAST, { name: `Outage ${i} ${word}`, description: 'proposed while us-west-2 was down' }));
      for (const id of proposed) await foundIn(EAST, word, id);
      await expect(cloud.search(WEST, word)).rejects.toThrow();
    } finally {
      await meridian('recover', WEST);
    }
    for (const id of proposed) await foundIn(WEST, word, id);
    for (const id of proposed) await hasOrigin(WEST, id, cloud.bucket(EAST));
  }, 120_000);

  it('a removed destination disappears from search in both regions', async () => {
    const word = uniqueWord();
    const id = await cloud.propose(WEST, { name: `Evora ${word}`, description: 'Roman temple' });
    await foundIn(EAST, word, id);
    await foundIn(WEST, word, id);
    await cloud.remove(EAST, id);
    for (const where of [EAST, WEST]) {
      await eventually(`${id} gone from ${where}`, async () => ((await ids(where, word)).includes(id) ? undefined : true));
    }
    expect(await cloud.viewMetadata(EAST, id)).toBeUndefined();
    expect(await cloud.viewMetadata(WEST, id)).toBeUndefined();
  });

  it('answers hostile queries with a 400 or a text match in every region, never a 5xx', async () => {
    for (const where of [EAST, WEST, 'front-door']) {
      for (const q of ['name:*', '" OR 1=1', '{"query":{"match_all":{}}}', '\u0001\u0002', 'x'.repeat(10_240), '*']) {
        const res = await fetch(`${cloud.base(where)}/search?q=${encodeURIComponent(q)}`);
        expect([200, 400], `${where} ${q.slice(0, 30)}`).toContain(res.status);
        await res.arrayBuffer();
      }
    }
  });
});
