import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build, type BuildFailure } from 'esbuild';
import { HANDLER_EXTENSIONS } from '../../service-definition/index.js';

/** One handler's module as Lambda runs it; both targets take it from here (AWS zips it, the local cloud writes it). */
export interface BuiltHandler {
  /** The handler as written: `src/check.handler`. */
  handler: string;
  /** The module that was bundled (absolute). */
  source: string;
  /** Where the module sits in the function's code, forward slashes: `src/check.mjs` for handler `src/check.handler`. */
  modulePath: string;
  /** The ESM module, dependencies inlined. */
  code: Uint8Array;
  /** With `sourceMap`: the map, to be written beside the module as `<modulePath>.map` (the module names it). */
  sourceMap?: Uint8Array;
}

export interface BuildHandlerOptions {
  /**
   * A source map linked from the module (`//# sourceMappingURL=<name>.mjs.map`: the module's only difference
   * from one built without), without the sources' contents: Node with --enable-source-maps maps stack frames
   * back to the TypeScript files.
   */
  sourceMap?: boolean;
  /** Where the modules will be written (each at its modulePath); the map's paths to the sources are relative to it. Default: the service directory. */
  outDir?: string;
}

/** A handler that cannot be bundled: the message names the module and esbuild's file:line findings. */
export class HandlerBuildError extends Error {
  override name = 'HandlerBuildError';
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

/** Convenience for one handler: see buildHandlers. */
export async function buildHandler(serviceDir: string, handler: string, target: string, options: BuildHandlerOptions = {}): Promise<BuiltHandler> {
  const [built] = await buildHandlers(serviceDir, [handler], target, options);
  return built!;
}

/**
 * Bundles handlers of one service with esbuild for Lambda, the one place that decides how: ESM, for `target`
 * (`node22`), every dependency inlined (the pinned AWS SDK too), the require/__dirname banner. Each module
 * keeps its path (`src/check.ts` becomes `src/check.mjs`), so the handler string in serverless.yml
 * (`src/check.handler`) is unchanged. The AWS target zips each one; the local cloud writes and runs them.
 * Several handlers in one call are one esbuild build with an entry point each: every module is the same as
 * when bundled alone (no code splitting), and files they share are parsed once. Returns one result per handler,
 * in order (handlers naming the same module share it).
 */
export async function buildHandlers(serviceDir: string, handlers: string[], target: string, options: BuildHandlerOptions = {}): Promise<BuiltHandler[]> {
  const modules = new Map<string, { handler: string; source: string }>();
  for (const handler of handlers) {
    const dot = handler.lastIndexOf('.');
    if (dot <= 0 || handler.slice(dot).includes('/')) throw new HandlerBuildError(`"${handler}" must be <module path>.<export>, e.g. src/check.handler`);
    const modulePath = handler.slice(0, dot);
    if (modules.has(modulePath)) continue;
    const source = HANDLER_EXTENSIONS.map((ext) => join(serviceDir, modulePath + ext)).find(isFile);
    if (source === undefined) {
      throw new HandlerBuildError(`no module for handler "${handler}": looked for ${modulePath}${HANDLER_EXTENSIONS.join(`, ${modulePath}`)} in ${serviceDir}`);
    }
    modules.set(modulePath, { handler, source });
  }
  const sources = [...modules.values()].map((m) => m.source);
  const outDir = resolve(options.outDir ?? serviceDir);
  const result = await build({
    entryPoints: sources,
    absWorkingDir: serviceDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    // ESM builds of dependencies first: smaller bundles, and the AWS SDK tree-shakes.
    mainFields: ['module', 'main'],
    banner: { js: ESM_BANNER },
    // `<outDir>/src/check.mjs` for `<serviceDir>/src/check.ts`; a module outside the service directory lands
    // under `_.._/` rather than outside outDir.
    outdir: outDir,
    outbase: serviceDir,
    entryNames: '[dir]/[name]',
    outExtension: { '.js': '.mjs' },
    metafile: true,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    ...(options.sourceMap ? { sourcemap: 'linked' as const, sourcesContent: false } : {}),
  }).catch((e: unknown) => {
    const errors = (e as Partial<BuildFailure>).errors ?? [];
    const detail = errors.map((x) => (x.location ? `${x.location.file}:${x.location.line}: ${x.text}` : x.text)).join('; ');
    throw new HandlerBuildError(`esbuild could not bundle ${sources.join(', ')}: ${detail || (e as Error).message}`);
  });
  const files = new Map(result.outputFiles.map((f) => [resolve(f.path), f.contents]));
  const built = new Map<string, BuiltHandler>();
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    if (!meta.entryPoint) continue;
    const source = resolve(serviceDir, meta.entryPoint);
    const entry = [...modules.entries()].find(([, m]) => m.source === source);
    const path = resolve(serviceDir, output);
    const code = files.get(path);
    if (!entry || !code) continue;
    const map = files.get(`${path}.map`);
    built.set(entry[0], { handler: entry[1].handler, source, modulePath: relative(outDir, path).split('\\').join('/'), code, ...(map ? { sourceMap: map } : {}) });
  }
  return handlers.map((handler) => {
    const found = built.get(handler.slice(0, handler.lastIndexOf('.')));
    if (!found) throw new HandlerBuildError(`esbuild produced no module for handler "${handler}"`);
    return { ...found, handler };
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
