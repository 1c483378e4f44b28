import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, repoRoot } from '../config.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** The repository's config/ with meridian.yml's front-door health interval set to `value` (or removed). */
function configWith(value: string | undefined): string {
  dir = mkdtempSync(join(tmpdir(), 'meridian-config-'));
  cpSync(join(repoRoot, 'config'), dir, { recursive: true });
  const file = join(dir, 'meridian.yml');
  const text = readFileSync(file, 'utf8').replace(/^  healthCheckIntervalMs:.*\n/m, value === undefined ? '' : `  healthCheckIntervalMs: ${value}\n`);
  writeFileSync(file, text);
  return dir;
}

describe('frontDoor.healthCheckIntervalMs', () => {
  it('is 1000 as shipped and when absent, and takes a whole number of milliseconds', () => {
    expect(loadConfig({ configDir: join(repoRoot, 'config') }).frontDoor.healthCheckIntervalMs).toBe(1_000);
    expect(loadConfig({ configDir: configWith(undefined) }).frontDoor.healthCheckIntervalMs).toBe(1_000);
    expect(loadConfig({ configDir: configWith('250') }).frontDoor.healthCheckIntervalMs).toBe(250);
  });

  it.each(['50', '1.5', '"fast"', '120000'])('refuses %s, naming the key', (value) => {
    expect(() => loadConfig({ configDir: configWith(value) })).toThrow(/meridian.yml frontDoor.healthCheckIntervalMs must be a whole number of milliseconds from 100 to 60000/);
  });
});
