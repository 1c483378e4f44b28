import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let script: Promise<string> | undefined;

/*
 * A function's worker is plain Node, as Lambda's runtime is: no TypeScript loader in it, so the handler's
 * bundle loads exactly as it would on Lambda (a TypeScript module, or an import esbuild did not inline,
 * fails here as it would there). The worker's own code (worker.ts and what it imports) is compiled once per
 * process into one CommonJS script for `new Worker(script, { eval: true })`; esbuild does that in a few ms.
 */
export function workerScript(): Promise<string> {
  script ??= build({
    entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'silent',
  }).then(
    (result) => result.outputFiles[0]!.text,
    (e: unknown) => {
      script = undefined;
      throw e;
    },
  );
  return script;
}
