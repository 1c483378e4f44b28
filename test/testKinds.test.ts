import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../regions/config.js';

/*
 * A test file's name says what it starts, so a run can choose (`npm run test:unit` leaves out the heavy
 * kinds; `npm test` runs all) and a reader sees the cost before opening it:
 *   *.e2e.test.ts          the whole local cloud (a `meridian start` process: ensureCloud, startCloudProcess)
 *   *.integration.test.ts  DynamoDB Local (a JVM), directly or inside in-process region services; or osls
 *                          (packaging a service runs the Serverless Framework: seconds per stack)
 *   *.test.ts              the rest: Node only (servers in-process or in child Node processes)
 * What a file starts is read from what it loads, through its support files, up to these launchers.
 */
const LAUNCHERS = { e2e: 'local/test/support/cloudProcess.ts', integration: ['local/dynamodb/dynamoDbLocal.ts', 'orchestrator/aws/package/runOsls.ts'] } as const;
type Kind = 'e2e' | 'integration' | 'unit';

/** Relative specifiers a module loads at run time (type-only imports and exports load nothing). */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/\b(?:import|export)(\s+type\b)?\s[^'";]*?from\s*['"](\.[^'"]+)['"]/g)) if (!m[1]) found.push(m[2]!);
  for (const m of source.matchAll(/\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  for (const m of source.matchAll(/\bimport\s+['"](\.[^'"]+)['"]/g)) found.push(m[1]!);
  return found;
}

interface SourceTree {
  read(path: string): string;
  exists(path: string): boolean;
}
const disk: SourceTree = { read: (p) => readFileSync(p, 'utf8'), exists: existsSync };

/** Which kind a file is by what it loads, transitively: the cloud beats a JVM beats neither. */
export function kindOf(file: string, tree: SourceTree = disk): Kind {
  const seen = new Set<string>();
  const queue = [file];
  let kind: Kind = 'unit';
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const at = relative(repoRoot, next);
    if (at === LAUNCHERS.e2e) return 'e2e';
    if ((LAUNCHERS.integration as readonly string[]).includes(at)) kind = 'integration';
    for (const specifier of runtimeImports(tree.read(next))) {
      // ESM specifiers name the .js a .ts compiles to; JSON and other assets load no launcher.
      const target = resolve(dirname(next), specifier).replace(/\.js$/, '.ts');
      if (target.endsWith('.ts') && tree.exists(target)) queue.push(target);
    }
  }
  return kind;
}

export function kindByName(file: string): Kind {
  if (file.endsWith('.e2e.test.ts')) return 'e2e';
  if (file.endsWith('.integration.test.ts')) return 'integration';
  return 'unit';
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name.startsWith('.') ? [] : testFiles(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('test kinds', () => {
  it('every test file is named for what it starts', () => {
    const files = testFiles(repoRoot);
    expect(files.length).toBeGreaterThan(50);
    const misnamed = files
      .map((f) => ({ file: relative(repoRoot, f), starts: kindOf(f), named: kindByName(f) }))
      .filter((f) => f.starts !== f.named)
      .map((f) => `${f.file} starts ${f.starts === 'unit' ? 'neither the cloud, DynamoDB Local nor osls' : f.starts === 'e2e' ? 'the local cloud' : 'DynamoDB Local or osls'}: name it ${f.starts === 'unit' ? '*.test.ts' : `*.${f.starts}.test.ts`}`);
    expect(misnamed).toEqual([]);
  });

  it('follows support files to the launcher, and ignores what only types reach', () => {
    // Keywords in capitals, so that the scan of this very file does not take them for its own imports.
    const files: Record<string, string> = {
      'a/x.test.ts': "IMPORT { start } from './support.js';\nIMPORT type { Cloud } from '../local/test/support/cloudProcess.js';",
      'a/support.ts': "IMPORT {\n  startDynamoDbLocal,\n  type DynamoDbLocal,\n} from '../local/dynamodb/dynamoDbLocal.js';",
      'a/y.test.ts': "const { startCloudProcess } = await IMPORT('../local/test/support/cloudProcess.js');",
      'a/z.test.ts': "EXPORT type { Thing } from './support.js';\nIMPORT '../local/credentials.js';",
      'local/test/support/cloudProcess.ts': '',
      'local/dynamodb/dynamoDbLocal.ts': '',
      'local/credentials.ts': '',
    };
    const tree = { read: (p: string) => files[relative(repoRoot, p)]!.replace(/\b(IMPORT|EXPORT)\b/g, (k) => k.toLowerCase()), exists: (p: string) => relative(repoRoot, p) in files };
    const kinds = ['a/x.test.ts', 'a/y.test.ts', 'a/z.test.ts'].map((f) => kindOf(join(repoRoot, f), tree));
    expect(kinds).toEqual(['integration', 'e2e', 'unit']);
  });
});
