import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/*
 * On Node 20 a Worker ignores the tsx loader its parent runs with: neither inheriting execArgv nor
 * passing `--import tsx` makes a worker load a .ts entry ("Unknown file extension .ts"; checked with
 * the parent under `tsx`, `node --import tsx` and plain node). So every worker starts from this small
 * script, which registers tsx's ESM hooks inside the worker itself and then imports worker.ts. It
 * works the same whether the parent runs under tsx, vitest or plain node.
 */
export function workerBootstrapSource(): string {
  const worker = new URL('./worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(tsxEsmApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`;
}

interface TsxPackage {
  exports: Record<string, { import?: { default?: string } } | string>;
}

/*
 * The ESM build of `tsx/esm/api`, by tsx's own exports map: require.resolve would give the CJS build,
 * which cannot be imported, and import.meta.resolve is missing under vitest.
 */
function tsxEsmApi(): string {
  const packageJson = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as TsxPackage;
  const entry = pkg.exports['./esm/api'];
  const relative = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!relative) throw new Error('tsx no longer exports ./esm/api for import: update workerBootstrap.ts');
  return pathToFileURL(join(dirname(packageJson), relative)).href;
}
