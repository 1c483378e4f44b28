import type { AwsFrontDoorConfig } from '../../../regions/config.js';
import { PluginConfigError } from '../errors.js';

/**
 * The names of the system's front door on AWS, from config/meridian.yml `aws.frontDoor` alone, so every
 * stack computes the same ones without reading another stack: CloudFront's origins, the services' custom
 * domains and the health checks all meet at these names.
 */

/** The region CloudFront's certificates and the distribution's stack live in. */
export const DISTRIBUTION_REGION = 'us-east-1';

/** The platform service that owns the distribution (us-east-1), the health checks and the site buckets. */
export const PLATFORM_SERVICE = 'front-door';

/** The latency-routed name every region's API of `service` answers on; CloudFront's origin for its paths. */
export function serviceApiName(frontDoor: AwsFrontDoorConfig, service: string): string {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(service)) {
    throw new PluginConfigError('service', `"${service}" must be a DNS label (lower-case letters, digits, -) to be served as ${service}.api.${frontDoor.domain}`);
  }
  return `${service}.api.${frontDoor.domain}`;
}

/**
 * The region-pinned name of the regional health service (not latency-routed): what that region's Route 53
 * health check probes, so the probe always reaches this region. Covered by the same `*.api.<domain>` certificate.
 */
export function regionHealthName(frontDoor: AwsFrontDoorConfig, region: string): string {
  return `${region}.api.${frontDoor.domain}`;
}

/** The export of a region's health check id (the platform stack exports it; every service's latency record imports it). */
export function healthCheckExport(stage: string): string {
  return `${PLATFORM_SERVICE}-${stage}-health-check`;
}

/** The SSM parameter (us-east-1) holding the distribution id: other regions' bucket policies and the homepage read it. */
export function distributionIdParameter(stage: string): string {
  return `/meridian/${stage}/front-door/distribution-id`;
}

/** A region's site bucket: config's name, with the stage appended except for `local` (as services/search names its bucket). */
export function siteBucketName(configured: string, stage: string): string {
  return stage === 'local' ? configured : `${configured}-${stage}`;
}
