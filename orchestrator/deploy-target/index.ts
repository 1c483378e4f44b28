/**
 * Deploy targets: one interface (deployTarget.ts), one adapter per place services go (localTarget.ts,
 * awsTarget.ts), and the dependency order both follow (dependencyOrder.ts). See README.md.
 */
import { awsTarget } from './awsTarget.js';
import type { DeployTarget, Log, TargetName } from './deployTarget.js';
import { localTarget, type LocalTargetOptions } from './localTarget.js';

export type { DeployRequest, DeployTarget, Log, PackageRequest, TargetName } from './deployTarget.js';
export { awsTarget, type AwsTarget } from './awsTarget.js';
export { localTarget, type LocalTargetOptions } from './localTarget.js';
export { dependencyOrder, DeployOrderError, type ServiceLinks, type ServiceOrder } from './dependencyOrder.js';

/** The target `--target` names; the local one reaches the cloud through what `local` gives. */
export function deployTarget(name: TargetName, opts: { log: Log; local: Omit<LocalTargetOptions, 'log'> }): DeployTarget {
  return name === 'aws' ? awsTarget(opts.log) : localTarget({ ...opts.local, log: opts.log });
}
