import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { loadConfig, sourcesFromEnv } from '../../../regions/config.js';
import { bundleHandler } from '../bundle/bundleHandler.js';
import { chooseRuntime } from '../bundle/lambdaRuntime.js';
import { applyMeridian, PLATFORM_FLAG } from '../template/meridianTemplate.js';
import { httpRoutes } from '../template/regionalEndpoint.js';
import { siteBucketName } from '../template/frontDoorNames.js';
import type { SystemService } from '../template/platformFrontDoor.js';
import { loadService } from '../../service-definition/index.js';
import { serviceKey, SYSTEM_SERVICES_ENV, systemServiceDirs } from '../package/serviceDirs.js';
import type { OslsLog, OslsServerless } from './oslsTypes.js';

export { resolveMeridianVariable } from './meridianVariables.js';

/**
 * Hook `before:package:createDeploymentArtifacts`: every function's handler is bundled with esbuild into
 * `.serverless/<function>.zip` and set as its artifact, so osls zips nothing itself (no node_modules, no
 * TypeScript sources) and deploys exactly what was bundled.
 */
export async function bundleFunctions(serverless: OslsServerless, log: OslsLog): Promise<void> {
  const functions = serverless.service.functions ?? {};
  const packageDir = join(serverless.serviceDir, '.serverless');
  mkdirSync(packageDir, { recursive: true });
  const upgraded = new Set<string>();
  await Promise.all(
    Object.entries(functions).map(async ([key, fn]) => {
      if (fn.image !== undefined || fn.handler === undefined || fn.package?.artifact !== undefined) return;
      const choice = chooseRuntime(fn.runtime ?? serverless.service.provider.runtime, fn.runtime ? `functions.${key}.runtime` : 'provider.runtime');
      if (choice.upgradedFrom) upgraded.add(choice.upgradedFrom);
      fn.runtime = choice.runtime;
      const bundle = await bundleHandler(serverless.serviceDir, fn.handler, choice.target, `functions.${key}.handler`);
      const artifact = join('.serverless', `${key}.zip`);
      writeFileSync(join(serverless.serviceDir, artifact), bundle.zip);
      // individually: osls's deploy then looks for this function's own artifact instead of a service zip.
      fn.package = { ...fn.package, individually: true, artifact };
      log.info(`Meridian: bundled ${key} (${(bundle.zip.length / 1024).toFixed(0)} KiB, ${choice.runtime})`);
    }),
  );
  for (const old of upgraded) log.warning(`Meridian: runtime ${old} is no longer run by Lambda; functions ship on ${chooseRuntime(undefined, '').runtime}`);
}

/**
 * Hook `before:aws:package:finalize:saveServiceState`: the template is complete (functions, events and the
 * service's own resources merged); Meridian adds the front door, global tables and autoscaling, and
 * enforces its security defaults, before osls writes the template.
 */
export function compileMeridianTemplate(serverless: OslsServerless, log: OslsLog): void {
  const provider = serverless.getProvider('aws');
  const config = loadConfig(sourcesFromEnv());
  const region = provider.getRegion();
  const stage = provider.getStage();
  // The distribution's paths come from every service's http events, loaded as packaging loads them.
  // Those packaged in the same run (meridian package says which), else the repository's; services with their own
  // custom.dns (written for the 2018 plugins) keep their own front door, and the platform stack has no paths.
  const systemServices = (): SystemService[] => {
    const listed = process.env[SYSTEM_SERVICES_ENV];
    const dirs = listed ? listed.split(delimiter).filter((d) => d !== '') : systemServiceDirs();
    return dirs.flatMap((dir) => {
      const definition = loadService(dir, { stage, region, configDir: config.configDir });
      if (definition.custom.dns !== undefined || definition.custom[PLATFORM_FLAG] === true) return [];
      const routes = definition.functions.flatMap((fn) => fn.events.flatMap((e) => (e.type === 'http' ? [{ method: e.method, path: e.path.replace(/^\/+/, '') }] : [])));
      return routes.length > 0 ? [{ service: definition.service || serviceKey(dir), routes }] : [];
    });
  };
  const summary = applyMeridian(serverless.service.provider.compiledCloudFormationTemplate, serverless.service.custom ?? {}, {
    file: join(serverless.serviceDir, serverless.configurationFilename ?? 'serverless.yml'),
    service: serverless.service.service,
    stage,
    region,
    stackName: provider.naming.getStackName(),
    regions: config.regions.map((r) => r.region),
    routes: httpRoutes(serverless.service.functions ?? {}),
    ...(config.awsFrontDoor ? { frontDoor: config.awsFrontDoor } : {}),
    siteBuckets: config.regions.map((r) => ({ region: r.region, siteBucket: siteBucketName(r.names.siteBucket, stage) })),
    systemServices,
  });
  const parts = [
    summary.globalTables.length > 0 ? `global tables ${summary.globalTables.join(', ')} (${summary.home ? 'created here, replicas in every region' : 'replicas of the home region\'s'})` : undefined,
    summary.regionalDomain ? `regional domain ${summary.regionalDomain}` : undefined,
    summary.cdn ? 'the CloudFront distribution' : undefined,
  ].filter(Boolean);
  log.notice(`Meridian (${region}): ${parts.length > 0 ? parts.join('; ') : 'secure defaults applied'}`);
}
