import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../regions/config.js';

/*
 * `meridian dp` to the local cloud must not load osls, esbuild or the AWS packaging: the AWS adapter imports
 * orchestrator/aws only when it runs. Static (value) imports are followed; `import type` and `import()` are not.
 */
function staticImports(source: string): string[] {
  const statements = source.matchAll(/^\s*(import|export)\s+(?!type\b)(?:[\w$*{},\s]*?\bfrom\s*)?['"]([^'"]+)['"]/gm);
  return [...statements].map((m) => m[2]!);
}

function reachable(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) packages.add(spec);
      else visit(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
    }
  };
  visit(entry);
  return { files: [...files].map((f) => relative(repoRoot, f)), packages: [...packages] };
}

describe('the deploy targets load AWS code only when AWS is the target', () => {
  it('reads value imports and skips type-only and dynamic ones', () => {
    const source = ["import { a } from './a.js';", "import type { B } from './b.js';", "export { c } from './c.js';", "const d = await import('./d.js');", "import './e.js';", "export const f = './f.js';", 'import {\n  g,\n  type G,\n} from "./g.js";'].join('\n');
    expect(staticImports(source)).toEqual(['./a.js', './c.js', './e.js', './g.js']);
  });

  it('nothing deploy-target/index.ts loads reaches orchestrator/aws, osls or esbuild', () => {
    const { files, packages } = reachable(resolve(repoRoot, 'orchestrator/deploy-target/index.ts'));
    expect(files).toContain('orchestrator/deploy-target/awsTarget.ts');
    expect(files).toContain('orchestrator/deploy-target/localTarget.ts');
    expect(files.filter((f) => f.startsWith('orchestrator/aws/'))).toEqual([]);
    expect(packages.filter((p) => /^(osls|esbuild)(\/|$)/.test(p))).toEqual([]);
  });
});
