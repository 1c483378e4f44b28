import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
export const fixtureConfig = join(fixtures, 'config');
export const service = (name: string) => join(fixtures, 'services', name);
export const broken = (name: string) => join(fixtures, 'errors', name);

/** A throwaway service directory: `files` maps relative paths to contents (serverless.yml among them). */
export function tempService(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-svc-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export const HANDLER = 'export const handler = async () => {};\n';
