import { PluginConfigError } from '../errors.js';
import { buildHandler, HandlerBuildError } from './buildHandler.js';
import { zipArchive } from './zipArchive.js';

export interface HandlerBundle {
  /** The zip Lambda runs: the handler's module at its own path with .mjs, dependencies inlined. */
  zip: Buffer;
  /** The module that was bundled (absolute). */
  source: string;
}

/**
 * The handler's code for Lambda: buildHandler's module (the one the local cloud runs), alone in a
 * deterministic zip. No source map: it would only add to the upload and to every cold start.
 */
export async function bundleHandler(serviceDir: string, handler: string, target: string, at: string): Promise<HandlerBundle> {
  const built = await buildHandler(serviceDir, handler, target).catch((e: unknown) => {
    throw e instanceof HandlerBuildError ? new PluginConfigError(at, e.message) : e;
  });
  return { zip: zipArchive([{ name: built.modulePath, data: built.code }]), source: built.source };
}
