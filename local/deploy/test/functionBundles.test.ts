import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../regions/config.js';
import { bundleHandler } from '../../../orchestrator/aws/bundle/bundleHandler.js';
import { readZip } from '../../../orchestrator/aws/test/support/readZip.js';
import { loadService, type ServiceDefinition } from '../../../orchestrator/service-definition/index.js';
import { bundleFunctions, missingBundles } from '../functionBundles.js';

// Bundling only (esbuild, no local cloud): what the local deploy writes is what the AWS target zips.
const PROBE = fileURLToPath(new URL('./fixtures/probe', import.meta.url));
const UNBUNDLEABLE = fileURLToPath(new URL('./fixtures/unbundleable', import.meta.url));
const load = (dir: string): ServiceDefinition => loadService(dir, { stage: 'local', region: 'us-east-1', configDir: loadConfig().configDir });

let out: string;
beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'meridian-bundles-'));
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('function bundles of the local deploy', () => {
  it('are the modules the AWS target zips, with a source map linked at the end and nothing else different', async () => {
    const def = load(PROBE);
    const dir = join(out, 'probe');
    const { modules: bundles, reusedFrom } = await bundleFunctions(def, dir);
    expect(reusedFrom).toBeUndefined();
    expect([...bundles.keys()]).toEqual(def.functions.map((f) => f.key));
    for (const fn of def.functions) {
      const file = bundles.get(fn.key)!;
      expect(file).toBe(join(dir, 'node22', `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.mjs`));
      const [shipped] = readZip((await bundleHandler(def.dir, fn.handler, 'node22', `functions.${fn.key}.handler`)).zip);
      const local = readFileSync(file, 'utf8');
      const link = `//# sourceMappingURL=${file.split('/').pop()}.map\n`;
      expect(local.endsWith(link)).toBe(true);
      expect(local.slice(0, -link.length)).toBe(shipped!.text);

      // The map leads to the handler's own TypeScript file, where it is, without carrying its contents.
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; sourcesContent?: unknown };
      expect(map.sources.map((s) => resolve(dirname(file), s))).toContain(fn.handlerFile);
      expect(map.sourcesContent).toBeUndefined();
    }
    expect(missingBundles(def.functions.map((f) => ({ name: f.name, handlerFile: bundles.get(f.key)! })))).toEqual([]);
  });

  it('are missing, function by function, once deleted (a deploy then does not call the service unchanged)', async () => {
    const def = load(PROBE);
    const { modules: bundles } = await bundleFunctions(def, join(out, 'drift'));
    const api = bundles.get('api')!;
    rmSync(api);
    rmSync(`${bundles.get('watcher')!}.map`);
    expect(missingBundles(def.functions.map((f) => ({ name: f.name, handlerFile: bundles.get(f.key)! })))).toEqual([
      { type: 'bundle of function probe-local-api', name: api },
      { type: 'bundle of function probe-local-watcher', name: `${bundles.get('watcher')!}.map` },
    ]);
  });

  it('are taken from a complete bundle directory of the same code (another region\'s), and bundled anew when it is not complete', async () => {
    const def = load(PROBE);
    const east = join(out, 'regions', 'us-east-1', 'probe', 'samecode');
    const west = join(out, 'regions', 'us-west-2', 'probe', 'samecode');
    const built = await bundleFunctions(def, east);
    const copied = await bundleFunctions(def, west, [west, east]);
    expect(copied.reusedFrom).toBe(east);
    for (const fn of def.functions) {
      const file = copied.modules.get(fn.key)!;
      expect(file.startsWith(`${west}/`)).toBe(true);
      expect(readFileSync(file)).toEqual(readFileSync(built.modules.get(fn.key)!));
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
      expect(map.sources.map((s) => resolve(dirname(file), s))).toContain(fn.handlerFile);
    }
    // Its own complete directory is taken as it is.
    expect((await bundleFunctions(def, west, [west, east])).reusedFrom).toBe(west);

    // Incomplete (a module gone) or of other functions: bundled anew.
    rmSync(copied.modules.get('api')!);
    rmSync(built.modules.get('trigger')!);
    const anew = await bundleFunctions(def, west, [west, east]);
    expect(anew.reusedFrom).toBeUndefined();
    expect(existsSync(anew.modules.get('api')!)).toBe(true);
    const fewer = { ...def, functions: def.functions.filter((f) => f.key !== 'watcher') };
    expect((await bundleFunctions(fewer, join(out, 'regions', 'fewer'), [west])).reusedFrom).toBeUndefined();
  });

  it('fail for a handler esbuild cannot bundle, naming the function and the file:line, and write nothing', async () => {
    const dir = join(out, 'unbundleable');
    await expect(bundleFunctions(load(UNBUNDLEABLE), dir)).rejects.toMatchObject({
      name: 'DeployError',
      message: expect.stringMatching(
        /^unbundleable: functions\.broken\.handler: esbuild could not bundle \S+\/src\/missingImport\.ts: src\/missingImport\.ts:3: Could not resolve "meridian-no-such-package"; `npx meridian package` fails the same way/,
      ),
    });
    expect(existsSync(dir)).toBe(false);
  });
});
