import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The toolkit is imported by every service, so it imports no service, nothing of replication/, and
 * never the local cloud, the orchestrator or the benchmarks: only packages (Powertools, @types/aws-lambda,
 * Node's own) and its own files. Its tests may use what they like.
 */
const toolkit = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function shipped(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === 'test' ? [] : shipped(join(dir, e.name));
    return e.name.endsWith('.ts') ? [join(dir, e.name)] : [];
  });
}

const specifiers = (source: string) => [...source.matchAll(/\b(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);

describe('toolkit boundaries', () => {
  it('imports only packages and its own files', () => {
    const files = shipped(toolkit);
    expect(files.length).toBeGreaterThanOrEqual(4);
    const outside = files.flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter((s) => s.startsWith('.') && relative(toolkit, resolve(dirname(file), s)).startsWith('..'))
        .map((s) => `${relative(toolkit, file)} imports ${s}`),
    );
    expect(outside).toEqual([]);
  });
});
