import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { HANDLER_EXTENSIONS } from '../../service-definition/index.js';
import { PluginConfigError } from '../errors.js';
import { zipArchive } from './zipArchive.js';

export interface HandlerBundle {
  /** The zip Lambda runs: the handler's module at its own path with .mjs, dependencies inlined. */
  zip: Buffer;
  /** The module that was bundled (absolute). */
  source: string;
}

/**
 * ESM bundles may contain CommonJS dependencies that call require() or read __dirname: give them both,
 * as Node.js gives a CommonJS module.
 */
const ESM_BANNER = [
  "import { createRequire as __meridianCreateRequire } from 'node:module';",
  "import { fileURLToPath as __meridianFileURLToPath } from 'node:url';",
  "import { dirname as __meridianDirname } from 'node:path';",
  'const require = __meridianCreateRequire(import.meta.url);',
  'const __filename = __meridianFileURLToPath(import.meta.url);',
  'const __dirname = __meridianDirname(__filename);',
].join('\n');

/**
 * Bundles one handler with esbuild for Lambda. The module keeps its path (`src/check.ts` becomes
 * `src/check.mjs`), so the handler string in serverless.yml (`src/check.handler`) is unchanged: the code
 * Lambda runs is the code the local cloud runs, with its dependencies (pinned AWS SDK included) inlined.
 */
export async function bundleHandler(serviceDir: string, handler: string, target: string, at: string): Promise<HandlerBundle> {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || handler.slice(dot).includes('/')) throw new PluginConfigError(at, `"${handler}" must be <module path>.<export>, e.g. src/check.handler`);
  const modulePath = handler.slice(0, dot);
  const source = HANDLER_EXTENSIONS.map((ext) => join(serviceDir, modulePath + ext)).find(isFile);
  if (source === undefined) {
    throw new PluginConfigError(at, `no module for handler "${handler}": looked for ${modulePath}${HANDLER_EXTENSIONS.join(`, ${modulePath}`)} in ${serviceDir}`);
  }
  const outName = `${modulePath}.mjs`;
  const result = await build({
    entryPoints: [source],
    absWorkingDir: serviceDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    // ESM builds of dependencies first: smaller bundles, and the AWS SDK tree-shakes.
    mainFields: ['module', 'main'],
    banner: { js: ESM_BANNER },
    outfile: join(serviceDir, outName),
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  }).catch((e: unknown) => {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const detail = errors.map((x) => (x.location ? `${x.location.file}:${x.location.line}: ${x.text}` : x.text)).join('; ');
    throw new PluginConfigError(at, `esbuild could not bundle ${source}: ${detail || (e as Error).message}`);
  });
  const output = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  if (!output) throw new PluginConfigError(at, `esbuild produced no module for ${source}`);
  return { zip: zipArchive([{ name: outName.split('\\').join('/'), data: output.contents }]), source };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
