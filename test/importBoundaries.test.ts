import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../regions/config.js';

/*
 * What ships to Lambda (services/, replication/) never depends on the emulator (local/), the deploy tool
 * (orchestrator/) or the benchmarks (bench/): a handler that imported them would bundle the local cloud, or
 * fail on Lambda. Tests beside the code may use the local cloud; that is what they test against.
 */
const SHIPPED = ['services', 'replication', 'regions/health'];
const FORBIDDEN = ['local', 'orchestrator', 'bench'];

/** Every relative import or export specifier of a TypeScript file, static or dynamic. */
export function importSpecifiers(source: string): string[] {
  const found: { at: number; specifier: string }[] = [];
  const patterns = [/\b(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\s+['"]([^'"]+)['"]/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push({ at: m.index, specifier: m[1]! });
  return found.sort((a, b) => a.at - b.at).map((f) => f.specifier);
}

/** The top-level folder a relative specifier of `file` lands in, or undefined for a package import. */
export function landsIn(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = relative(repoRoot, resolve(dirname(file), specifier));
  return target.split(sep)[0];
}

function shippedFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' || e.name === 'node_modules' ? [] : shippedFiles(path);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(e.name) ? [path] : [];
  });
}

export function violations(files: string[]): string[] {
  return files.flatMap((file) =>
    importSpecifiers(readFileSync(file, 'utf8'))
      .filter((s) => FORBIDDEN.includes(landsIn(file, s) ?? ''))
      .map((s) => `${relative(repoRoot, file)} imports ${s}`),
  );
}

describe('import boundaries', () => {
  it('nothing in services/, replication/ or regions/health (tests aside) imports local/, orchestrator/ or bench/', () => {
    const files = SHIPPED.flatMap((d) => shippedFiles(join(repoRoot, d)));
    expect(files.length).toBeGreaterThan(20);
    expect(violations(files)).toEqual([]);
  });

  it('sees every form of import a forbidden module could come in by', () => {
    const file = join(repoRoot, 'services', 'destinations', 'src', 'handlers', 'x.ts');
    const source = [
      "import { a } from '../../../../local/functions/index.js';",
      "import type { B } from '../../../../orchestrator/cli/main.js';",
      "export * from '../../../../bench/run.js';",
      "const c = await import('../../../../local/credentials.js');",
      "import '../../../../local/side-effect.js';",
      "import { ok } from '../../../../replication/global-tables/originFilter.js';",
      "import { S3Client } from '@aws-sdk/client-s3';",
    ].join('\n');
    expect(importSpecifiers(source).map((s) => landsIn(file, s))).toEqual(['local', 'orchestrator', 'bench', 'local', 'local', 'replication', undefined]);
  });
});
