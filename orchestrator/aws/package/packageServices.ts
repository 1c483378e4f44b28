import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { loadConfig, sourcesFromEnv } from '../../../regions/config.js';
import { loadService } from '../../service-definition/index.js';
import { AwsTargetError, ServiceSetupError } from '../errors.js';
import { checkPluginListing } from './pluginListing.js';
import { runOsls } from './runOsls.js';
import { frontDoorPlatformDir, hasServiceFile, serviceKey, SYSTEM_SERVICES_ENV, systemServiceDirs } from './serviceDirs.js';

export interface PackageOptions {
  stage: string;
  /** Default: every configured region, the home region (latency rank 1) first. */
  regions?: string[];
  /**
   * Default: every services/<name>/ with a serverless.yml, the regional health service (regions/health) and,
   * when config/meridian.yml has aws.frontDoor, the front door's platform stack (regions/front-door).
   */
  serviceDirs?: string[];
  /** Default: <state dir>/package (.meridian/package). */
  outDir?: string;
  log?: (line: string) => void;
  /** Another set of region files (config/ by default; MERIDIAN_CONFIG_DIR also works). */
  configDir?: string;
  /** osls processes at once; default: the machine's cores (at most 4). */
  concurrency?: number;
}

/** One service packaged for one region. */
export interface ServicePackage {
  /** The folder name under services/ (also the package folder's name). */
  service: string;
  serviceDir: string;
  stage: string;
  region: string;
  /** CloudFormation stack name (`<service>-<stage>` unless provider.stackName says otherwise). */
  stackName: string;
  /** The osls package folder: templates, serverless-state.json, one zip per function. */
  dir: string;
  /** The template osls deploys (`cloudformation-template-update-stack.json`). */
  template: string;
  ms: number;
}

export interface PackageResult {
  stage: string;
  outDir: string;
  regions: string[];
  packages: ServicePackage[];
  ms: number;
}

export const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';

/**
 * CloudFormation for every service in every region, without AWS credentials: osls packages each
 * (service, region) into `<outDir>/<stage>/<region>/<service>/`, with Meridian's plugin bundling the
 * handlers and completing the template. Runs osls processes in parallel, but never two for one service
 * folder at once: osls stages its output in the service's own `.serverless/` folder.
 */
export async function packageServices(opts: PackageOptions): Promise<PackageResult> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  if (!/^[a-zA-Z0-9-]+$/.test(opts.stage)) {
    throw new AwsTargetError(`--stage "${opts.stage}" must contain only letters, digits and - (it becomes part of stack and resource names)`);
  }
  const sources = opts.configDir === undefined ? sourcesFromEnv() : { ...sourcesFromEnv(), configDir: opts.configDir };
  const config = loadConfig(sources);
  const configured = config.regions.map((r) => r.region);
  const regions = opts.regions ?? configured;
  const unknown = regions.filter((r) => !configured.includes(r));
  if (unknown.length > 0) throw new AwsTargetError(`unknown region ${unknown.join(', ')}; configured in ${config.configDir}: ${configured.join(', ')}`);
  const serviceDirs = (opts.serviceDirs ?? [...systemServiceDirs(), ...(config.awsFrontDoor ? [frontDoorPlatformDir] : [])]).map((d) => resolve(d));
  const outDir = resolve(opts.outDir ?? join(config.stateDir, 'package'));
  const env: Record<string, string> = opts.configDir === undefined ? {} : { MERIDIAN_CONFIG_DIR: config.configDir };
  // The front door's distribution serves the paths of the services packaged with it (so a new service's paths appear).
  env[SYSTEM_SERVICES_ENV] = serviceDirs.join(delimiter);

  const jobs: Job[] = [];
  for (const dir of serviceDirs) {
    if (!hasServiceFile(dir)) throw new ServiceSetupError(`${dir} has no serverless.yml; a service folder needs one`);
    checkPluginListing(dir);
    for (const region of regions) {
      // The local target's loader checks the same file first: its messages name the key to fix.
      const definition = loadService(dir, { stage: opts.stage, region, configDir: config.configDir });
      const service = serviceKey(dir);
      jobs.push({ service, serviceDir: dir, stage: opts.stage, region, stackName: definition.stackName, dir: join(outDir, opts.stage, region, service) });
    }
  }
  log(`Packaging ${serviceDirs.length} service${serviceDirs.length === 1 ? '' : 's'} for ${regions.join(', ')} (stage ${opts.stage}) into ${outDir}`);

  const packages = await runJobs(jobs, opts.concurrency ?? Math.max(1, Math.min(availableParallelism(), 4)), async (job) => {
    const t = Date.now();
    log(`[${job.region}] ${job.service}: packaging`);
    await runOsls({
      command: 'package',
      serviceDir: job.serviceDir,
      stage: job.stage,
      region: job.region,
      args: ['--package', job.dir],
      env,
      onWait: () => log(`[${job.region}] ${job.service}: waiting for another osls run in ${job.serviceDir} to finish`),
    });
    const template = join(job.dir, TEMPLATE_FILE);
    if (!existsSync(template)) throw new AwsTargetError(`osls packaged ${job.service} for ${job.region} but wrote no ${TEMPLATE_FILE} in ${job.dir}`);
    const ms = Date.now() - t;
    log(`[${job.region}] ${job.service}: packaged in ${(ms / 1000).toFixed(1)} s`);
    return { ...job, template, ms };
  });
  const ms = Date.now() - started;
  log(`Packaged ${packages.length} stack${packages.length === 1 ? '' : 's'} in ${(ms / 1000).toFixed(1)} s`);
  return { stage: opts.stage, outDir, regions, packages, ms };
}

type Job = Omit<ServicePackage, 'template' | 'ms'>;

/**
 * Runs jobs `limit` at a time, in order, skipping over a job whose service folder is busy. Results keep the
 * jobs' order. The first failure stops new jobs from starting and is rethrown once running ones end.
 */
async function runJobs<R>(jobs: Job[], limit: number, work: (job: Job) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  const waiting = jobs.map((job, index) => ({ job, index }));
  const busy = new Set<string>();
  let failure: unknown;
  let running = 0;
  return new Promise((resolvePromise, reject) => {
    const next = () => {
      if (failure !== undefined) {
        if (running === 0) reject(failure);
        return;
      }
      if (waiting.length === 0 && running === 0) return resolvePromise(results);
      while (running < limit) {
        const at = waiting.findIndex((w) => !busy.has(w.job.serviceDir));
        if (at < 0) break;
        const [{ job, index }] = waiting.splice(at, 1) as [{ job: Job; index: number }];
        busy.add(job.serviceDir);
        running++;
        work(job).then(
          (result) => {
            results[index] = result;
          },
          (e: unknown) => {
            failure ??= e;
          },
        ).finally(() => {
          busy.delete(job.serviceDir);
          running--;
          next();
        });
      }
    };
    next();
  });
}
