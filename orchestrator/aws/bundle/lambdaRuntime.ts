import { PluginConfigError } from '../errors.js';

/** The Node.js runtime Meridian bundles for when a service names none, or one Lambda no longer runs. */
export const LAMBDA_NODE_RUNTIME = 'nodejs22.x';
const OLDEST_SUPPORTED_MAJOR = 22;

export interface RuntimeChoice {
  runtime: string;
  /** esbuild's target for it: `node22`. */
  target: string;
  /** Set when serverless.yml named an older Node.js runtime (the book's nodejs8.10): it was moved up. */
  upgradedFrom?: string;
}

/**
 * The runtime a function ships with. Handlers are bundled, so an older `nodejsN.x` written for the 2018
 * plugins moves up to nodejs22.x instead of failing at deploy time; anything but Node.js is refused,
 * since Meridian bundles TypeScript/JavaScript handlers only.
 */
export function chooseRuntime(written: string | undefined, at: string): RuntimeChoice {
  if (written === undefined) return { runtime: LAMBDA_NODE_RUNTIME, target: `node${OLDEST_SUPPORTED_MAJOR}` };
  const match = /^nodejs(\d+)\.x$/.exec(written) ?? /^nodejs(\d+)\.\d+$/.exec(written);
  if (!match) throw new PluginConfigError(at, `"${written}" is not a Node.js runtime; Meridian bundles Node.js handlers: use ${LAMBDA_NODE_RUNTIME}`);
  const major = Number(match[1]);
  if (major >= OLDEST_SUPPORTED_MAJOR && written.endsWith('.x')) return { runtime: written, target: `node${major}` };
  return { runtime: LAMBDA_NODE_RUNTIME, target: `node${OLDEST_SUPPORTED_MAJOR}`, upgradedFrom: written };
}
