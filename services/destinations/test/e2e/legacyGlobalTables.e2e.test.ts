import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../../regions/config.js';
import { startCloudProcess, type CloudProcess } from '../../../../local/test/support/cloudProcess.js';
import { cloudClients, EAST, eventually, REGIONS, requireDeployed, scanAll, TABLES, WEST, type Cloud } from './cloudSupport.js';
import { userActions, type UserActions } from './userActions.js';

// A second local cloud, its regions configured for legacy (2017.11.29) global tables through a test
// config dir (MERIDIAN_CONFIG_DIR): replication then stamps aws:rep:* on every item, the origin's own
// included, and the origin filter must still publish each write exactly once.
let configDir: string;
let stateDir: string;
let legacy: CloudProcess;
let cloud: Cloud;
let actions: UserActions;

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), 'meridian-legacy-config-'));
  stateDir = mkdtempSync(join(tmpdir(), 'meridian-legacy-state-'));
  cpSync(join(repoRoot, 'config'), configDir, { recursive: true });
  for (const file of readdirSync(configDir).filter((f) => /^[a-z]{2}-[a-z]+-\d\.yml$/.test(f))) {
    const path = join(configDir, file);
    const text = readFileSync(path, 'utf8');
    if (!/^\s+mode: current\b/m.test(text)) throw new Error(`${file}: expected globalTables.mode: current to switch to legacy`);
    writeFileSync(path, text.replace(/^(\s+mode:) current\b/m, '$1 legacy'));
  }
  // Beside the run's own cloud: other ports, other state (as the lifecycle test in local/test does).
  const offset = Number(process.env.MERIDIAN_PORT_OFFSET ?? 0) + 70;
  legacy = await startCloudProcess({
    env: { MERIDIAN_CONFIG_DIR: configDir, MERIDIAN_STATE_DIR: stateDir, MERIDIAN_PORT_OFFSET: String(offset) },
    logFile: join(stateDir, 'cloud.log'),
  });
  expect(legacy.config.regions.map((r) => r.globalTables.mode)).toEqual(['legacy', 'legacy']);
  await requireDeployed(legacy.config);
  cloud = cloudClients(legacy.config);
  actions = userActions(cloud);
}, 180_000);

afterAll(async () => {
  cloud?.close();
  await legacy?.stop();
  rmSync(configDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

describe('destinations on legacy global tables', () => {
  it('replicated items carry aws:rep:updateregion, and a proposal in us-east-1 is validated in us-west-2', async () => {
    const id = await actions.propose(EAST, { name: 'Porto', location: { lat: 41.1579, lon: -8.6291 } });
    expect(await actions.read(WEST, id, (b) => b.status === 'locationValidated')).toMatchObject({ name: 'Porto', updatedIn: EAST });
    for (const region of REGIONS) {
      const items = (await scanAll(cloud.db[region]!, TABLES.events)).filter((i) => i.partitionKey?.S === id);
      expect(items.length).toBe(2);
      for (const item of items) expect(item['aws:rep:updateregion']).toEqual({ S: EAST });
    }
  }, 120_000);

  it('N commands spread over both regions publish exactly N command events, each once', async () => {
    await actions.expectExactlyOnce(await actions.runCommands({ count: 20 }));
  }, 120_000);

  it('concurrent updates in both regions leave identical read models', async () => {
    const id = await actions.propose(WEST, { name: 'Contested' });
    await actions.read(EAST, id);
    await actions.command(EAST, 'PUT', `/destinations/${id}`, { description: 'known in the east' });
    for (let round = 0; round < 3; round++) {
      await Promise.all([
        actions.command(EAST, 'PUT', `/destinations/${id}`, { name: `East ${round}`, location: { lat: round, lon: 1 } }),
        actions.command(WEST, 'PUT', `/destinations/${id}`, { name: `West ${round}`, location: { lat: round, lon: 2 } }),
      ]);
    }
    // 1 proposal + 1 update + 6 updates with their 6 answers.
    await eventually('identical items built from all 14 events', async () => {
      const [e, w] = await Promise.all(REGIONS.map(async (r) => (await scanAll(cloud.db[r]!, TABLES.readModel)).find((i) => i.id?.S === id)));
      return e && w && e.eventCount?.N === '14' && e.status?.S === 'locationValidated' && isDeepStrictEqual(e, w) ? true : undefined;
    });
  }, 120_000);
});
