import { canonicalIntrinsics } from '../../service-definition/intrinsics.js';
import { PluginConfigError } from '../errors.js';
import { addCdn } from './cdnDistribution.js';
import type { CfTemplate } from './cfTemplate.js';
import { requireFailureDestinations } from './failureDestinations.js';
import { globalTableIds, toGlobalTable } from './globalTables.js';
import { readPluginConfig } from './pluginConfig.js';
import { addRegionalEndpoint, type HttpRoute } from './regionalEndpoint.js';
import { referenceReplicas } from './replicaReferences.js';
import { applyRetentionDefaults } from './retentionDefaults.js';
import { requireSearchEndpoints } from './searchEnvironment.js';
import { secureTemplate } from './secureDefaults.js';
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
}

/** What was done, for one line of progress. */
export interface TemplateSummary {
  globalTables: string[];
  /** True in the region whose stack owns the global tables. */
  home: boolean;
  regionalDomain?: string;
  cdn: boolean;
}

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
