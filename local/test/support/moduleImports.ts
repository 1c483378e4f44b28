import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../../../regions/config.js';

/**
 * Where a module's code (its test/ folder aside) imports from, as repository paths without the file:
 * `local/http`, `local/global-tables`; `node:*` and packages as written. For tests that hold a module
 * to what its README says it may import.
 */
export function importedFolders(moduleDir: string): Set<string> {
  const found = new Set<string>();
  for (const file of readdirSync(moduleDir, { withFileTypes: true })) {
    if (!file.isFile() || !file.name.endsWith('.ts')) continue;
    const path = join(moduleDir, file.name);
    for (const m of readFileSync(path, 'utf8').matchAll(/\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g)) {
      const specifier = (m[1] ?? m[2] ?? m[3])!;
      found.add(specifier.startsWith('.') ? relative(repoRoot, dirname(resolve(moduleDir, specifier))) : specifier);
    }
  }
  return found;
}
