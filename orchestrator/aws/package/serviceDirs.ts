import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

/** Every `services/<name>/` with a serverless.yml: the one list both targets deploy. */
export { serviceDirs as discoverServiceDirs, hasServiceFile } from '../../serviceCatalog.js';

export function serviceFile(dir: string): string {
  const yml = join(dir, 'serverless.yml');
  return existsSync(yml) ? yml : join(dir, 'serverless.yaml');
}

/** The folder name names a service's package: stable, unique, and what the user sees under services/. */
export function serviceKey(dir: string): string {
  return basename(resolve(dir));
}
