import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { repoRoot } from '../../../regions/config.js';
import { hasServiceFile, serviceDirs } from '../../serviceCatalog.js';

/** Every `services/<name>/` with a serverless.yml: the one list both targets deploy. */
export { serviceDirs as discoverServiceDirs, hasServiceFile } from '../../serviceCatalog.js';

/**
 * The front door's platform stack on AWS (health checks, site buckets, the distribution in us-east-1). Not a
 * service of the catalog: the local cloud has its own front door (local/front-door), so only the AWS target
 * packages and deploys this one, when config/meridian.yml has aws.frontDoor.
 */
export const frontDoorPlatformDir = join(repoRoot, 'regions', 'front-door');

/** The regional health service, when it is there (regions/health). */
const healthServiceDir = join(repoRoot, 'regions', 'health');

/** The service folders packaged together, which `meridian package` hands to the plugin (osls runs one service at a time). */
export const SYSTEM_SERVICES_ENV = 'MERIDIAN_SYSTEM_SERVICE_DIRS';

/** Every service whose http paths the front door serves: the catalog's, and the regional health service. */
export function systemServiceDirs(): string[] {
  const dirs = serviceDirs();
  if (hasServiceFile(healthServiceDir) && !dirs.some((d) => resolve(d) === healthServiceDir)) dirs.push(healthServiceDir);
  return dirs;
}

export function serviceFile(dir: string): string {
  const yml = join(dir, 'serverless.yml');
  return existsSync(yml) ? yml : join(dir, 'serverless.yaml');
}

/** The folder name names a service's package: stable, unique, and what the user sees under services/. */
export function serviceKey(dir: string): string {
  return basename(resolve(dir));
}
