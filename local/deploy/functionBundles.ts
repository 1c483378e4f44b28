import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildHandlers, HandlerBuildError } from '../../orchestrator/aws/bundle/buildHandler.js';
import { chooseRuntime } from '../../orchestrator/aws/bundle/lambdaRuntime.js';
import type { ServiceDefinition } from '../../orchestrator/service-definition/index.js';
import type { FunctionDefinition } from '../functions/index.js';
import { DeployError } from './errors.js';
import type { Missing } from './missingResources.js';

/**
 * Bundles every function of a service as the AWS target does (orchestrator/aws/bundle: the same esbuild
 * build, module for module), with a linked source map so stack traces name the TypeScript, and writes them
 * under `dir` (`<bundles>/<service>/<code fingerprint>`): `<dir>/<target>/src/api.mjs` and `.mjs.map`.
 * Returns each function's module by function key. A handler esbuild cannot bundle fails here, with esbuild's
 * file:line, as `meridian package` would fail; nothing is written then.
 */
export async function bundleFunctions(def: ServiceDefinition, dir: string): Promise<Map<string, string>> {
  const byTarget = new Map<string, ServiceDefinition['functions']>();
  for (const fn of def.functions) {
    let target: string;
    try {
      target = chooseRuntime(fn.runtime, `functions.${fn.key}.runtime`).target;
    } catch (e) {
      throw new DeployError((e as Error).message);
    }
    byTarget.set(target, [...(byTarget.get(target) ?? []), fn]);
  }
  const out = new Map<string, string>();
  const written: { path: string; data: Uint8Array }[] = [];
  for (const [target, fns] of byTarget) {
    const outDir = join(dir, target);
    const built = await buildHandlers(
      def.dir,
      fns.map((f) => f.handler),
      target,
      { sourceMap: true, outDir },
    ).catch(async (e: unknown) => {
      if (!(e instanceof HandlerBuildError)) throw e;
      throw new DeployError(`${def.service}: ${await whichFailed(def.dir, fns, target, e)}; \`npx meridian package\` fails the same way, since Lambda could not run it either`);
    });
    for (const [i, b] of built.entries()) {
      const path = join(outDir, b.modulePath);
      out.set(fns[i]!.key, path);
      written.push({ path, data: b.code });
      if (b.sourceMap) written.push({ path: `${path}.map`, data: b.sourceMap });
    }
  }
  // Every build succeeded: only now write, each file whole then renamed, so a worker never loads half a module.
  for (const { path, data } of new Map(written.map((w) => [w.path, w])).values()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  }
  return out;
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
