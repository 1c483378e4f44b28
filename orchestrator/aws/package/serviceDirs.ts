import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { repoRoot } from '../../../regions/config.js';

/** Every `services/<name>/` with a serverless.yml, sorted by name: what `meridian package` and `dp` deploy. */
export function discoverServiceDirs(root: string = repoRoot): string[] {
  const services = join(root, 'services');
  if (!existsSync(services)) return [];
  return readdirSync(services, { withFileTypes: true })
    .filter((d) => d.isDirectory() && hasServiceFile(join(services, d.name)))
    .map((d) => join(services, d.name))
    .sort();
}

export function hasServiceFile(dir: string): boolean {
  return existsSync(join(dir, 'serverless.yml')) || existsSync(join(dir, 'serverless.yaml'));
}

export function serviceFile(dir: string): string {
  const yml = join(dir, 'serverless.yml');
  return existsSync(yml) ? yml : join(dir, 'serverless.yaml');
}

/** The folder name names a service's package: stable, unique, and what the user sees under services/. */
export function serviceKey(dir: string): string {
  return basename(resolve(dir));
}
