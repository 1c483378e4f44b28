import { DeleteTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeridianConfig } from '../../../regions/config.js';
import type { CloudStatus } from '../../cloud/localCloud.js';
import { cloudStatus, meridian } from '../../test/support/cloudProcess.js';
import { apiBase, dynamoClients, getItem, until } from '../../test/support/regionClients.js';
import { ensureCloud } from '../../test/support/testCloud.js';

// The probe fixture goes through every kind of thing the local target deploys: a global table, an
// origin-filtered stream trigger, Kinesis, a versioned bucket notifying a topic, functions, routes.
const PROBE = fileURLToPath(new URL('./fixtures/probe', import.meta.url));
// A service with a handler esbuild cannot bundle (it imports a package that does not exist).
const UNBUNDLEABLE = fileURLToPath(new URL('./fixtures/unbundleable', import.meta.url));

let config: MeridianConfig;
const api = (region: string) => apiBase(config, region);
const post = (base: string, path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const seen = async (region: string) => {
  const { Items } = await dynamoClients(config)[region]!.send(new ScanCommand({ TableName: `probe-local-seen-${region}` }));
  return (Items ?? []).map((i) => i.key!.S!);
};
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const bundlesOf = (region: string, service: string) => join(config.stateDir, 'regions', region, 'bundles', service);
/** What the probe's api function says about the code it runs: its module's URL and a stack frame of it. */
const whereIs = async (region: string) => (await (await fetch(`${api(region)}/probe/echo/where`)).json()) as { module: string; frame: string; worker: string };
const deployed = (s: CloudStatus | undefined, region: string) => s?.regions.find((r) => r.region === region)?.deployed?.services.map((d) => d.service) ?? [];

let firstDeploys: Record<string, string>;
beforeAll(async () => {
  config = await ensureCloud();
  firstDeploys = { 'us-east-1': await meridian('dp', 'us-east-1', PROBE) };
  firstDeploys['us-west-2'] = await meridian('dp', 'us-west-2', PROBE);
}, 180_000);

afterAll(async () => {
  await meridian('rm', 'us-west-2', PROBE).catch(() => undefined);
  await meridian('rm', 'us-east-1', PROBE).catch(() => undefined);
});

describe('deploying a serverless.yml into the local regions', () => {
  it('serves its http events as API Gateway proxy events in every region and through the front door', async () => {
    const res = await fetch(`${apiBase(config, 'front-door')}/probe/echo/a/b%20c?x=1&x=2`, { method: 'PUT', body: 'raw text' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-meridian-region')).toBe('us-east-1');
    const echoed = (await res.json()) as Record<string, unknown>;
    expect(echoed).toMatchObject({ method: 'PUT', path: '/probe/echo/a/b%20c', pathParameters: { proxy: 'a/b c' }, query: { x: '2' }, body: 'raw text' });
    // serverless.yml's environment, resolved for the region it runs in
    expect(echoed.greeting).toBe('hello from local in us-east-1');
    const west = await fetch(`${api('us-west-2')}/probe/echo/z`);
    expect(((await west.json()) as { greeting: string }).greeting).toBe('hello from local in us-west-2');
  });

  it('runs each function from its esbuild bundle under the region\'s state; stack traces name the TypeScript', async () => {
    // Bundled once: the region deployed second takes the first one's bundles of the same code.
    expect(firstDeploys['us-east-1']).toMatch(/probe → us-east-1: bundled 4 functions with esbuild in \d+ ms/);
    expect(firstDeploys['us-west-2']).toMatch(/probe → us-west-2: functions run the bundles of the same code in regions\/us-east-1\/bundles\/probe\/[0-9a-f]{16} \(copied in \d+ ms\)/);
    for (const region of ['us-east-1', 'us-west-2']) {
      const where = await whereIs(region);
      // The module the AWS target would zip, written by the region's deploy: <state>/regions/<region>/bundles/<service>/<code fingerprint>/<target>/
      expect(fileURLToPath(where.module)).toMatch(new RegExp(`^${escape(bundlesOf(region, 'probe'))}/[0-9a-f]{16}/node22/src/api\\.mjs$`));
      const bundle = readFileSync(fileURLToPath(where.module), 'utf8');
      expect(bundle).toContain('DynamoDBDocumentClient'); // dependencies inlined, as on Lambda
      expect(bundle).toMatch(/\/\/# sourceMappingURL=api\.mjs\.map\n$/);
      // The source map leads back to the line of api.ts that made the stack.
      expect(where.frame).toContain(`${join(PROBE, 'src', 'api.ts')}:12:`);
    }
  });

  it('runs the whole flow in the region that took the write, and only there', async () => {
    const id = `item-${Date.now()}`;
    const res = await post(api('us-east-1'), '/probe/items', { id, text: 'written in the east' });
    expect(res.status).toBe(202);
    // table → trigger → Kinesis → archiver → bucket → notification → topic → watcher
    await until('the east watcher to see the archived object', async () => ((await seen('us-east-1')).includes(`items/${id}.json`) ? true : undefined));
    // the global table brought the item west, where the origin filter kept the trigger quiet
    await until('the item in us-west-2', async () => ((await fetch(`${api('us-west-2')}/probe/items/${id}`)).status === 200 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await seen('us-west-2')).not.toContain(`items/${id}.json`);
  });

  it('deploys again idempotently: same resources, data kept, functions still answer', async () => {
    const id = `kept-${Date.now()}`;
    await post(api('us-west-2'), '/probe/items', { id, text: 'before the redeploy' });
    // --force: nothing changed, and this is about what a real redeploy does
    const out = await meridian('dp', 'us-west-2', PROBE, '--force');
    expect(out).toMatch(/deployed probe into us-west-2/);
    expect(out).toMatch(/probe → us-west-2: function probe-local-api/);
    const item = await (await fetch(`${api('us-west-2')}/probe/items/${id}`)).json();
    expect(item).toMatchObject({ id, text: 'before the redeploy' });
    expect(deployed(await cloudStatus(config), 'us-west-2')).toContain('probe');
  });

  it('skips a deploy when nothing changed; deploys again when a file changes or when forced', async () => {
    const region = 'us-east-1';
    const worker = async () => ((await (await fetch(`${api(region)}/probe/echo/w`)).json()) as { worker: string }).worker;
    const deployedAt = async () => (await cloudStatus(config))?.regions.find((r) => r.region === region)?.deployed?.services.find((s) => s.service === 'probe')?.deployedAt;
    // Any file of the repository counts, and others may be editing this tree meanwhile: a deploy their edit
    // made real is retried (a skip that never happens still fails).
    let first = '';
    for (let attempt = 1; ; attempt++) {
      first = await worker();
      const at = await deployedAt();
      expect(at).toBeDefined();
      const out = await meridian('dp', region, PROBE);
      if (!out.includes('nothing to deploy') && attempt < 3) continue;
      expect(out).toContain(`probe → ${region}: unchanged since ${at}; nothing to deploy`);
      expect(out).not.toMatch(/function probe-local-api/);
      expect(out).not.toMatch(/bundled/); // a skipped deploy runs the bundles it recorded
      expect(out).toContain(`deployed probe (unchanged) into ${region}`);
      expect(await deployedAt()).toBe(at);
      expect(await worker()).toBe(first);
      break;
    }
    const at = await deployedAt();

    const forced = await meridian('dp', region, PROBE, '--force');
    expect(forced).toMatch(new RegExp(`probe → ${region}: function probe-local-api`));
    expect(forced).toContain(`deployed probe into ${region}`);
    const second = await worker();
    expect(second).not.toBe(first);

    // A handler's mtime is enough: the code is fingerprinted by path, size and mtime, not read.
    const handler = join(PROBE, 'src', 'api.ts');
    const { atime, mtime } = statSync(handler);
    try {
      utimesSync(handler, atime, new Date(mtime.getTime() + 1_000));
      const touched = await meridian('dp', region, PROBE);
      expect(touched).toMatch(new RegExp(`probe → ${region}: bundled 4 functions with esbuild in \\d+ ms`));
      expect(touched).toMatch(new RegExp(`probe → ${region}: function probe-local-api`));
      expect(touched).not.toMatch(/unchanged/);
      // A new bundle for the new code; the previous one is gone once the deploy is recorded.
      expect(readdirSync(bundlesOf(region, 'probe'))).toHaveLength(1);
    } finally {
      utimesSync(handler, atime, mtime);
    }
    expect(await worker()).not.toBe(second);
    expect(await deployedAt()).not.toBe(at);
  });

  it('deploys again, rather than skipping, when a resource it created was deleted outside Meridian', async () => {
    const region = 'us-east-1';
    const table = `probe-local-seen-${region}`;
    // Whatever earlier tests left (a handler's mtime put back), the record matches the tree after this.
    await meridian('dp', region, PROBE);
    await dynamoClients(config)[region]!.send(new DeleteTableCommand({ TableName: table }));
    const out = await meridian('dp', region, PROBE);
    expect(out).toContain(`AWS::DynamoDB::Table ${table} no longer exists (deleted outside Meridian?); deploying again`);
    expect(out).toContain(`deployed probe into ${region}`);
    expect(out).not.toContain('(unchanged)');
    // The flow that ends in that table works again.
    const id = `after-drift-${Date.now()}`;
    expect((await post(api(region), '/probe/items', { id, text: 'x' })).status).toBe(202);
    await until('the watcher to write into the re-created table', async () => ((await seen(region)).includes(`items/${id}.json`) ? true : undefined));
    // And with everything back, the next deploy is a skip again.
    expect(await meridian('dp', region, PROBE)).toContain(`deployed probe (unchanged) into ${region}`);
  });

  it('deploys again, rather than skipping, when a function\'s bundle was deleted', async () => {
    const region = 'us-east-1';
    await meridian('dp', region, PROBE);
    const bundle = fileURLToPath((await whereIs(region)).module);
    rmSync(bundle);
    const out = await meridian('dp', region, PROBE);
    expect(out).toContain(`bundle of function probe-local-api ${bundle} no longer exists (deleted outside Meridian?); deploying again`);
    // Bundled again, or copied from us-west-2 when that region holds a complete bundle of the same code.
    expect(out).toMatch(new RegExp(`bundled 4 functions with esbuild|functions run the bundles of the same code in regions/us-west-2/bundles/probe/[0-9a-f]{16} \\(copied`));
    expect(out).toContain(`deployed probe into ${region}`);
    expect(existsSync(bundle)).toBe(true);
    expect(fileURLToPath((await whereIs(region)).module)).toBe(bundle);
    expect(await meridian('dp', region, PROBE)).toContain(`deployed probe (unchanged) into ${region}`);
  });

  it('refuses a handler esbuild cannot bundle, with esbuild\'s file:line, before creating anything; a deployed version keeps running', async () => {
    const refused = /unbundleable: functions\.broken\.handler: esbuild could not bundle \S+\/src\/missingImport\.ts: src\/missingImport\.ts:3: Could not resolve "meridian-no-such-package"; `npx meridian package` fails the same way/;
    // Never deployed: nothing of it appears (no table, no route, no record, no bundle).
    await expect(meridian('dp', 'us-west-2', UNBUNDLEABLE)).rejects.toThrow(refused);
    expect(deployed(await cloudStatus(config), 'us-west-2')).not.toContain('unbundleable');
    await expect(getItem(dynamoClients(config)['us-west-2']!, 'unbundleable-local-notes-us-west-2', { id: { S: 'x' } })).rejects.toThrow(/non-existent table|not found/i);
    expect((await fetch(`${api('us-west-2')}/unbundleable/greeting`)).status).toBe(404);
    expect(existsSync(bundlesOf('us-west-2', 'unbundleable'))).toBe(false);

    // Deployed without the broken function, then broken: the deploy fails and the running version stays.
    const dir = mkdtempSync(join(tmpdir(), 'meridian-unbundleable-'));
    const yml = join(dir, 'serverless.yml');
    const withBroken = readFileSync(join(UNBUNDLEABLE, 'serverless.yml'), 'utf8');
    try {
      cpSync(UNBUNDLEABLE, dir, { recursive: true });
      const working = withBroken.replace(/\n {2}broken:\n.*\n/, '\n');
      // A whole-second mtime, so the file can be put back exactly as it was (a Date drops sub-ms digits).
      const mtime = new Date('2026-01-01T00:00:00Z');
      writeFileSync(yml, working);
      utimesSync(yml, mtime, mtime);
      expect(await meridian('dp', 'us-east-1', dir)).toContain('deployed unbundleable into us-east-1');
      const greet = async () => (await (await fetch(`${api('us-east-1')}/unbundleable/greeting`)).json()) as { greeting: string; worker: string };
      const before = await greet();
      expect(before.greeting).toBe('hello');
      const deployedAt = (await cloudStatus(config))?.regions.find((r) => r.region === 'us-east-1')?.deployed?.services.find((s) => s.service === 'unbundleable')?.deployedAt;

      writeFileSync(yml, withBroken);
      await expect(meridian('dp', 'us-east-1', dir)).rejects.toThrow(refused);
      // Same worker, same record; and the next deploy tries again rather than calling it unchanged.
      expect(await greet()).toEqual(before);
      expect((await cloudStatus(config))?.regions.find((r) => r.region === 'us-east-1')?.deployed?.services.find((s) => s.service === 'unbundleable')?.deployedAt).toBe(deployedAt);
      await expect(meridian('dp', 'us-east-1', dir)).rejects.toThrow(refused);
      // The record kept its fingerprint: with the working file back as it was, there is nothing to deploy.
      writeFileSync(yml, working);
      utimesSync(yml, mtime, mtime);
      expect(await meridian('dp', 'us-east-1', dir)).toContain('deployed unbundleable (unchanged) into us-east-1');
    } finally {
      await meridian('rm', 'us-east-1', dir).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(bundlesOf('us-east-1', 'unbundleable'))).toBe(false);
  });

  it('brings functions, mappings and routes back after a region crashes and recovers', async () => {
    await meridian('crash', 'us-west-2');
    await until('us-west-2 to be down', async () => ((await cloudStatus(config))?.regions.find((r) => r.region === 'us-west-2')?.state === 'crashed' ? true : undefined));
    await meridian('recover', 'us-west-2');
    const id = `after-crash-${Date.now()}`;
    expect((await post(api('us-west-2'), '/probe/items', { id, text: 'x' })).status).toBe(202);
    await until('the west watcher after recovery', async () => ((await seen('us-west-2')).includes(`items/${id}.json`) ? true : undefined));
  });

  it('refuses a service it cannot run, saying why, and changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-bad-'));
    try {
      cpSync(PROBE, dir, { recursive: true });
      // Same routes as the probe, under another service name: a clash.
      const yml = join(dir, 'serverless.yml');
      writeFileSync(yml, (await import('node:fs')).readFileSync(yml, 'utf8').replace('service: probe', 'service: probe-twin'));
      await expect(meridian('dp', 'us-east-1', dir)).rejects.toThrow(/already served by service probe/);
      mkdirSync(join(dir, 'imports', 'src'), { recursive: true });
      // A handler esbuild can bundle out here (the probe's import the repository's node_modules and modules).
      writeFileSync(join(dir, 'imports', 'src', 'f.ts'), 'export const handler = async () => process.env.MISSING;\n');
      writeFileSync(join(dir, 'imports', 'serverless.yml'), [
        'service: importer',
        'provider: { name: aws, runtime: nodejs22.x }',
        'functions:',
        '  f:',
        '    handler: src/f.handler',
        '    environment:',
        '      MISSING: !ImportValue nobody-exports-this',
      ].join('\n'));
      await expect(meridian('dp', 'us-east-1', join(dir, 'imports'))).rejects.toThrow(/nobody-exports-this: no service deployed in us-east-1 exports it/);
      expect(deployed(await cloudStatus(config), 'us-east-1')).not.toContain('probe-twin');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('removes a service from one region; the shared global table and Retain resources stay', async () => {
    await meridian('rm', 'us-west-2', PROBE);
    expect(existsSync(bundlesOf('us-west-2', 'probe'))).toBe(false);
    expect((await fetch(`${api('us-west-2')}/probe/echo/x`)).status).toBe(404);
    expect(deployed(await cloudStatus(config), 'us-west-2')).not.toContain('probe');
    const db = dynamoClients(config)['us-west-2']!;
    // us-east-1 still deploys the global table: its replica stays and keeps replicating
    const id = `still-global-${Date.now()}`;
    await post(api('us-east-1'), '/probe/items', { id, text: 'after the west removal' });
    await until('replication to continue', () => getItem(db, 'probe-local-items', { id: { S: id } }));
    // DeletionPolicy: Retain
    expect(Array.isArray(await seen('us-west-2'))).toBe(true);

    await meridian('rm', 'us-east-1', PROBE);
    const status = await cloudStatus(config);
    expect(status?.replication.tables.map((t) => t.tableName)).not.toContain('probe-local-items');
    await expect(getItem(dynamoClients(config)['us-east-1']!, 'probe-local-items', { id: { S: id } })).rejects.toThrow(/non-existent table|not found/i);
  });
});
