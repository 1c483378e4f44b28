import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildHandlers } from '../../../orchestrator/aws/bundle/buildHandler.js';

export interface BundledFixtures {
  /** The bundle of a fixture module, by its file name: `file('echo.ts')` → `<dir>/echo.mjs`. */
  file(name: string): string;
  /** Where they were written (a temporary directory: remove it when done). */
  dir: string;
}

/**
 * Fixture handlers as the local cloud runs them: bundled by the AWS target's esbuild step, with the source map
 * local/deploy writes beside them, into a temporary directory. The runtime runs bundles only.
 */
export async function bundleFixtures(fixturesDir: string, names: string[]): Promise<BundledFixtures> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-fixture-bundles-'));
  const modules = names.map((n) => n.replace(/\.[cm]?ts$/, ''));
  const built = await buildHandlers(fixturesDir, modules.map((m) => `${m}.handler`), 'node22', { sourceMap: true, outDir: dir });
  for (const b of built) {
    mkdirSync(dirname(join(dir, b.modulePath)), { recursive: true });
    writeFileSync(join(dir, b.modulePath), b.code);
    if (b.sourceMap) writeFileSync(join(dir, `${b.modulePath}.map`), b.sourceMap);
  }
  return {
    dir,
    file: (name) => {
      const i = modules.indexOf(name.replace(/\.[cm]?ts$/, ''));
      if (i < 0) throw new Error(`${name} was not bundled: add it to bundleFixtures(...)`);
      return join(dir, built[i]!.modulePath);
    },
  };
}
