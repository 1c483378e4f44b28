import { canonicalIntrinsics } from '../../service-definition/intrinsics.js';
import { PluginConfigError } from '../errors.js';
import type { AwsFrontDoorConfig } from '../../../regions/config.js';
import { addCdn } from './cdnDistribution.js';
import type { CfTemplate } from './cfTemplate.js';
import { requireFailureDestinations } from './failureDestinations.js';
import { globalTableIds, toGlobalTable } from './globalTables.js';
import { DISTRIBUTION_REGION } from './frontDoorNames.js';
import { addPlatformFrontDoor, type SystemService } from './platformFrontDoor.js';
import { readPluginConfig } from './pluginConfig.js';
import { addRegionalEndpoint, type HttpRoute } from './regionalEndpoint.js';
import { referenceReplicas } from './replicaReferences.js';
import { applyRetentionDefaults } from './retentionDefaults.js';
import { requireSearchEndpoints } from './searchEnvironment.js';
import { secureTemplate } from './secureDefaults.js';
import { addServiceFrontDoor } from './serviceFrontDoor.js';
import { addTableAutoscaling } from './tableAutoscaling.js';

export interface TemplateScope {
  /** The serverless.yml, for error messages. */
  file: string;
  service: string;
  stage: string;
  region: string;
  stackName: string;
  /** Every configured region, the home region (latency rank 1) first. */
  regions: string[];
  /** The service's http routes (for a generated health check). */
  routes: HttpRoute[];
  /** config/meridian.yml `aws.frontDoor`: the system's one front door (absent: none). */
  frontDoor?: AwsFrontDoorConfig;
  /** Every configured region's site bucket, nearest first (the front-door platform stack reads it). */
  siteBuckets?: { region: string; siteBucket: string }[];
  /** Every service of the system with its http routes; called only for the platform stack in us-east-1. */
  systemServices?: () => SystemService[];
}

/** What was done, for one line of progress. */
export interface TemplateSummary {
  globalTables: string[];
  /** True in the region whose stack owns the global tables. */
  home: boolean;
  regionalDomain?: string;
  cdn: boolean;
}

/** `custom.frontDoorPlatform: true` marks the platform stack of the system front door (regions/front-door). */
export const PLATFORM_FLAG = 'frontDoorPlatform';

/**
 * Everything Meridian's plugin adds to a compiled template, in dependency order: tables first (the
 * front door's resources never name them), then the regional endpoint, the CDN that targets it, and
 * last the passes over the finished template: retention and security defaults, then the checks that
 * nothing fails silently on AWS (dead letters, search endpoints).
 */
export function applyMeridian(template: CfTemplate, custom: Record<string, unknown>, scope: TemplateScope): TemplateSummary {
  const home = scope.regions[0];
  if (home === undefined || !scope.regions.includes(scope.region)) {
    throw new PluginConfigError('--region', `${scope.region} is not a configured region (config/ has ${scope.regions.join(', ') || 'none'}); add config/${scope.region}.yml or deploy to one of them`);
  }
  // `Fn::GetAtt: X.Attr` (the YAML short form's text) is not valid in a JSON template: the list form is.
  for (const key of Object.keys(template)) template[key] = canonicalIntrinsics(template[key]);
  const config = readPluginConfig(custom, scope);
  const globals = globalTableIds(template, config.autoscaling);
  const isHome = scope.region === home;
  if (isHome) {
    for (const id of globals) toGlobalTable(template, id, config.autoscaling.find((e) => e.table === id), scope.regions, scope.stackName);
  } else {
    referenceReplicas(template, globals, scope.stackName);
  }
  config.autoscaling.forEach((entry, i) => {
    if (!globals.includes(entry.table)) addTableAutoscaling(template, entry, `custom.autoscaling[${i}]`);
  });
  const summary: TemplateSummary = { globalTables: globals, home: isHome, cdn: false };
  if (config.cdn && !scope.regions.includes(config.cdn.region)) {
    throw new PluginConfigError('custom.cdn.region', `"${config.cdn.region}" is not a configured region (${scope.regions.join(', ')}), so no stack would create the distribution; use us-east-1 (CloudFront's certificates live there)`);
  }
  if (custom[PLATFORM_FLAG] === true) {
    if (!scope.frontDoor) throw new PluginConfigError(`custom.${PLATFORM_FLAG}`, 'this is the front door\'s platform stack, but config/meridian.yml has no aws.frontDoor (domain, hostedZoneId, certificates); add it');
    const placed = addPlatformFrontDoor(template, scope.frontDoor, {
      region: scope.region,
      stage: scope.stage,
      stackName: scope.stackName,
      regions: scope.siteBuckets ?? [],
      services: scope.region === DISTRIBUTION_REGION ? (scope.systemServices?.() ?? []) : [],
    });
    summary.cdn = placed.distribution;
  } else if (scope.frontDoor && !config.dns && scope.routes.length > 0) {
    // Services written for the 2018 plugins keep their own custom.dns; every other API joins the system's front door.
    summary.regionalDomain = addServiceFrontDoor(template, scope.frontDoor, { service: scope.service, region: scope.region, stage: scope.stage, routes: scope.routes });
  }
  if (config.dns) {
    addRegionalEndpoint(template, config.dns, scope);
    summary.regionalDomain = config.dns.regionalDomainName;
    if (config.cdn && config.cdn.region === scope.region) {
      addCdn(template, config.cdn, config.dns, scope);
      summary.cdn = true;
    }
  }
  applyRetentionDefaults(template);
  secureTemplate(template);
  requireFailureDestinations(template);
  requireSearchEndpoints(template, scope);
  return summary;
}
