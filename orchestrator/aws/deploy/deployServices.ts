import { resolve } from 'node:path';
import { loadConfig, sourcesFromEnv } from '../../../regions/config.js';
import { AwsTargetError, OslsRunError } from '../errors.js';
import { packageServices, type ServicePackage } from '../package/packageServices.js';
import { runOsls } from '../package/runOsls.js';
import { assertAwsCredentials, type CredentialSource } from './awsCredentials.js';
import { deployOrder } from './deployOrder.js';

export interface RegionDeployOptions {
  region: string;
  stage: string;
  serviceDirs?: string[];
  log?: (line: string) => void;
  /** Another set of region files (config/ by default). */
  configDir?: string;
  /** For tests: where credentials come from (the SDK's chain by default). */
  credentials?: CredentialSource;
}

/**
 * `dp <region> --target aws`: checks credentials first (fails in milliseconds without them), packages every
 * service for the region, then deploys the stacks one by one in dependency order (exports before their
 * imports), streaming osls's progress per service. Deploy the home region (latency rank 1) before the
 * others: it creates the global tables whose replicas the other regions' stacks look up.
 */
export async function deployServices(opts: RegionDeployOptions): Promise<void> {
  const log = opts.log ?? (() => {});
  await assertAwsCredentials({ region: opts.region, stage: opts.stage, ...(opts.credentials ? { source: opts.credentials } : {}) });
  const config = loadConfig(opts.configDir === undefined ? sourcesFromEnv() : { ...sourcesFromEnv(), configDir: opts.configDir });
  const home = config.regions[0]?.region;
  if (home !== undefined && home !== opts.region) {
    log(`Note: ${opts.region}'s stacks use the global tables ${home}'s stacks create; deploy ${home} first if you have not.`);
  }
  const stacks = await orderedPackages(opts, log);
  await runInOrder(stacks, 'deploy', opts, log);
  log(`Deployed ${stacks.length} service${stacks.length === 1 ? '' : 's'} to ${opts.region} (stage ${opts.stage})`);
}

/**
 * `rm <region> --target aws`: removes the region's stacks in reverse dependency order (importers first, so
 * no export is still in use when its stack goes). Removing the home region removes the global tables and
 * so every region's replica: remove the other regions first.
 */
export async function removeServices(opts: RegionDeployOptions): Promise<void> {
  const log = opts.log ?? (() => {});
  await assertAwsCredentials({ region: opts.region, stage: opts.stage, ...(opts.credentials ? { source: opts.credentials } : {}) });
  const config = loadConfig(opts.configDir === undefined ? sourcesFromEnv() : { ...sourcesFromEnv(), configDir: opts.configDir });
  if (config.regions[0]?.region === opts.region && config.regions.length > 1) {
    log(`Note: ${opts.region} owns the global tables; removing its stacks deletes every region's replica (tables with DeletionPolicy Retain stay).`);
  }
  const stacks = (await orderedPackages(opts, log)).reverse();
  await runInOrder(stacks, 'remove', opts, log);
  log(`Removed ${stacks.length} service${stacks.length === 1 ? '' : 's'} from ${opts.region} (stage ${opts.stage})`);
}

async function orderedPackages(opts: RegionDeployOptions, log: (line: string) => void): Promise<ServicePackage[]> {
  const packaged = await packageServices({
    stage: opts.stage,
    regions: [opts.region],
    log,
    ...(opts.serviceDirs ? { serviceDirs: opts.serviceDirs } : {}),
    ...(opts.configDir ? { configDir: opts.configDir } : {}),
  });
  if (packaged.packages.length === 0) throw new AwsTargetError('no services to deploy: services/ has no folder with a serverless.yml');
  const { order, external } = deployOrder(packaged.packages);
  for (const x of external) log(`Note: ${x.service} imports ${x.name}, which no Meridian service exports; it must already exist in ${opts.region}`);
  log(`Order in ${opts.region}: ${order.map((p) => p.service).join(' → ')}`);
  return order;
}

async function runInOrder(stacks: ServicePackage[], command: 'deploy' | 'remove', opts: RegionDeployOptions, log: (line: string) => void): Promise<void> {
  for (const [i, pkg] of stacks.entries()) {
    const step = `[${opts.region}] (${i + 1}/${stacks.length}) ${pkg.service}`;
    const started = Date.now();
    log(`${step}: ${command === 'deploy' ? 'deploying' : 'removing'} stack ${pkg.stackName}`);
    try {
      await runOsls({
        command,
        serviceDir: pkg.serviceDir,
        stage: opts.stage,
        region: opts.region,
        // Deploy exactly what was packaged (and checked); removal needs only the stack's name.
        args: command === 'deploy' ? ['--package', pkg.dir] : [],
        ...(opts.configDir ? { env: { MERIDIAN_CONFIG_DIR: resolve(opts.configDir) } } : {}),
        onLine: (line) => log(`  ${pkg.service} | ${line.trim()}`),
        onWait: () => log(`${step}: waiting for another osls run in ${pkg.serviceDir} to finish`),
      });
    } catch (e) {
      const rest = stacks.slice(i + 1).map((s) => s.service);
      if (e instanceof OslsRunError && rest.length > 0) {
        throw new OslsRunError(`${e.message}\nNot ${command === 'deploy' ? 'deployed' : 'removed'} because of it: ${rest.join(', ')}. Fix the error and run the command again.`);
      }
      throw e;
    }
    log(`${step}: ${command === 'deploy' ? 'deployed' : 'removed'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
}
