import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildHandlers, HandlerBuildError } from '../../orchestrator/aws/bundle/buildHandler.js';
import { chooseRuntime } from '../../orchestrator/aws/bundle/lambdaRuntime.js';
import type { ServiceDefinition } from '../../orchestrator/service-definition/index.js';
import type { FunctionDefinition } from '../functions/index.js';
import { DeployError } from './errors.js';
import type { Missing } from './missingResources.js';

/** Written last into a bundle directory: which module each function runs, so an identical deploy can reuse them. */
const MANIFEST = 'bundles.json';

interface Manifest {
  /** By function key; `module` relative to the directory. */
  functions: Record<string, { handler: string; target: string; module: string }>;
}

export interface FunctionBundles {
  /** Each function's module (absolute), by function key. */
  modules: Map<string, string>;
  /** Set when nothing was bundled: the complete bundle directory the modules were taken from. */
  reusedFrom?: string;
}

/**
 * Bundles every function of a service as the AWS target does (orchestrator/aws/bundle: the same esbuild
 * build, module for module), with a linked source map so stack traces name the TypeScript, and writes them
 * under `dir` (`<bundles>/<service>/<code fingerprint>`): `<dir>/<target>/src/api.mjs` and `.mjs.map`.
 * `reuse` lists bundle directories of the same code (this one, another region's) whose modules are taken
 * instead when they are complete and the functions' handlers and targets are the same. A handler esbuild
 * cannot bundle fails here, with esbuild's file:line, as `meridian package` would fail; nothing is written then.
 */
export async function bundleFunctions(def: ServiceDefinition, dir: string, reuse: string[] = []): Promise<FunctionBundles> {
  const wanted = new Map(def.functions.map((fn) => [fn.key, { handler: fn.handler, target: targetOf(fn) }]));
  for (const from of reuse) {
    const reused = reuseBundles(from, dir, wanted);
    if (reused) return { modules: reused, reusedFrom: from };
  }

  const byTarget = new Map<string, ServiceDefinition['functions']>();
  for (const fn of def.functions) {
    const { target } = wanted.get(fn.key)!;
    byTarget.set(target, [...(byTarget.get(target) ?? []), fn]);
  }
  const manifest: Manifest = { functions: {} };
  const written: { path: string; data: Uint8Array }[] = [];
  for (const [target, fns] of byTarget) {
    const built = await buildHandlers(
      def.dir,
      fns.map((f) => f.handler),
      target,
      { sourceMap: true, outDir: join(dir, target) },
    ).catch(async (e: unknown) => {
      if (!(e instanceof HandlerBuildError)) throw e;
      throw new DeployError(`${def.service}: ${await whichFailed(def.dir, fns, target, e)}; \`npx meridian package\` fails the same way, since Lambda could not run it either`);
    });
    for (const [i, b] of built.entries()) {
      const module = `${target}/${b.modulePath}`;
      manifest.functions[fns[i]!.key] = { handler: b.handler, target, module };
      written.push({ path: join(dir, module), data: b.code });
      if (b.sourceMap) written.push({ path: join(dir, `${module}.map`), data: b.sourceMap });
    }
  }
  // Every build succeeded: only now write, each file whole then renamed, so a worker never loads half a module;
  // the manifest last, so a directory is reused only once complete.
  rmSync(join(dir, MANIFEST), { force: true });
  for (const { path, data } of [...new Map(written.map((w) => [w.path, w])).values(), { path: join(dir, MANIFEST), data: Buffer.from(JSON.stringify(manifest, null, 2)) }]) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  }
  return { modules: modulesOf(dir, manifest) };
}

function targetOf(fn: ServiceDefinition['functions'][number]): string {
  try {
    return chooseRuntime(fn.runtime, `functions.${fn.key}.runtime`).target;
  } catch (e) {
    throw new DeployError((e as Error).message);
  }
}

/**
 * The modules of `from` when it holds a complete bundle of the same functions (the directory names the code
 * fingerprint, so the same code), copied into `dir` unless it is `dir`; undefined otherwise, or if the copy fails
 * (`from` pruned meanwhile by its region's next deploy): then the caller bundles.
 */
function reuseBundles(from: string, dir: string, wanted: Map<string, { handler: string; target: string }>): Map<string, string> | undefined {
  const manifest = completeManifest(from, wanted);
  if (!manifest) return undefined;
  if (from === dir) return modulesOf(dir, manifest);
  const copy = `${dir}.copy-${process.pid}`;
  try {
    rmSync(copy, { recursive: true, force: true });
    // Same depth under the state dir in every region: the maps' relative paths to the sources still hold.
    cpSync(from, copy, { recursive: true });
    if (!completeManifest(copy, wanted)) return undefined;
    rmSync(dir, { recursive: true, force: true });
    renameSync(copy, dir);
    return modulesOf(dir, manifest);
  } catch {
    return undefined;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function completeManifest(dir: string, wanted: Map<string, { handler: string; target: string }>): Manifest | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  const entries = Object.entries(manifest.functions ?? {});
  const same = entries.length === wanted.size && entries.every(([key, f]) => wanted.get(key)?.handler === f.handler && wanted.get(key)?.target === f.target);
  const complete = entries.every(([, f]) => existsSync(join(dir, f.module)) && existsSync(join(dir, `${f.module}.map`)));
  return same && complete ? manifest : undefined;
}

function modulesOf(dir: string, manifest: Manifest): Map<string, string> {
  return new Map(Object.entries(manifest.functions).map(([key, f]) => [key, join(dir, f.module)]));
}

/**
 * One build of several handlers fails as a whole: each handler is built alone to name the function(s) at
 * fault, so the message says `functions.<key>.handler` and esbuild's file:line for each.
 */
async function whichFailed(dir: string, fns: ServiceDefinition['functions'], target: string, error: HandlerBuildError): Promise<string> {
  if (fns.length === 1) return `functions.${fns[0]!.key}.handler: ${error.message}`;
  const alone = await Promise.all(fns.map((f) => buildHandlers(dir, [f.handler], target).then(() => undefined, (e: unknown) => (e instanceof HandlerBuildError ? `functions.${f.key}.handler: ${e.message}` : undefined))));
  const failed = alone.filter((m): m is string => m !== undefined);
  return failed.length > 0 ? failed.join('; ') : error.message;
}

/** Functions of a record whose module (or its source map) is gone: a deploy must not call the service unchanged. */
export function missingBundles(functions: Pick<FunctionDefinition, 'name' | 'handlerFile'>[]): Missing[] {
  return functions.flatMap((fn) => [fn.handlerFile, `${fn.handlerFile}.map`].filter((f) => !existsSync(f)).map((f) => ({ type: `bundle of function ${fn.name}`, name: f })));
}

/** Removes `dir` (a service's bundles, or one deploy's) or, given `keep`, everything in it but `keep`. */
export function pruneBundles(dir: string, keep?: string): void {
  if (keep === undefined) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  for (const e of entries) if (join(dir, e) !== keep) rmSync(join(dir, e), { recursive: true, force: true });
}
