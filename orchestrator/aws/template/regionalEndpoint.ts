import { PluginConfigError } from '../errors.js';
import { addOutput, addResource, getAtt, isRecord, ref, resourcesOfType, sub, type CfTemplate, type CfValue } from './cfTemplate.js';
import type { DnsConfig } from './pluginConfig.js';

/** An http event of the service, as osls compiled it: `GET` and `check` (no leading slash, no stage). */
export interface HttpRoute {
  method: string;
  path: string;
}

export interface EndpointScope {
  region: string;
  stage: string;
  routes: HttpRoute[];
}

/** Routes a generated health check probes when the service names no health check of its own, in this order. */
const HEALTH_ROUTES = ['check', 'health', 'healthcheck'];

/**
 * The regional half of the front door (what serverless-multi-regional-plugin emitted, current form):
 * the API answers on `regionalDomainName` through a REGIONAL custom domain (TLS 1.2), and a Route 53
 * latency record per region, guarded by a health check, sends each caller to the nearest healthy region.
 */
export function addRegionalEndpoint(template: CfTemplate, dns: DnsConfig, scope: EndpointScope): void {
  const api = template.Resources.ApiGatewayRestApi;
  if (!api) {
    throw new PluginConfigError('custom.dns', 'the service has no http events, so there is no API for the regional domain name; add an http event or remove custom.dns');
  }
  if (dns.acmCertificateArn === undefined) {
    throw new PluginConfigError(
      `custom.dns.${scope.region}.acmCertificateArn`,
      `is required: API Gateway serves ${dns.regionalDomainName} in ${scope.region} with a certificate from ACM in ${scope.region} (a wildcard such as *.${dns.domainName.split('.').slice(1).join('.')} covers it)`,
    );
  }
  // CloudFront is the edge: the API itself must be REGIONAL for a regional custom domain and latency routing.
  api.Properties ??= {};
  api.Properties.EndpointConfiguration = { Types: ['REGIONAL'] };

  const deployments = resourcesOfType(template, 'AWS::ApiGateway::Deployment').map(([id]) => id);
  addResource(template, 'ApiRegionalDomainName', {
    Type: 'AWS::ApiGateway::DomainName',
    Properties: {
      DomainName: dns.regionalDomainName,
      RegionalCertificateArn: dns.acmCertificateArn,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    },
  });
  addResource(template, 'ApiRegionalBasePathMapping', {
    Type: 'AWS::ApiGateway::BasePathMapping',
    // The stage exists only once osls's deployment resource has created it (the domain name is a Ref already).
    ...(deployments.length > 0 ? { DependsOn: deployments } : {}),
    Properties: { DomainName: ref('ApiRegionalDomainName'), RestApiId: ref('ApiGatewayRestApi'), Stage: scope.stage },
  });
  const healthCheckId = dns.healthCheckId ?? addHealthCheck(template, dns, scope);
  addResource(template, 'ApiRegionalEndpointRecord', {
    Type: 'AWS::Route53::RecordSet',
    Properties: {
      ...dns.hostedZone,
      Name: `${dns.regionalDomainName}.`,
      Type: 'A',
      Region: scope.region,
      SetIdentifier: scope.region,
      HealthCheckId: healthCheckId,
      AliasTarget: {
        DNSName: getAtt('ApiRegionalDomainName', 'RegionalDomainName'),
        HostedZoneId: getAtt('ApiRegionalDomainName', 'RegionalHostedZoneId'),
        EvaluateTargetHealth: false,
      },
    },
  });
  addOutput(template, 'RegionalEndpoint', { Value: `https://${dns.regionalDomainName}` });
}

/** An HTTPS probe of the service's own health route (through the API's execute-api name, not the shared one). */
function addHealthCheck(template: CfTemplate, dns: DnsConfig, scope: EndpointScope): CfValue {
  const path = dns.healthCheckResourcePath ?? defaultHealthPath(scope);
  addResource(template, 'ApiRegionalHealthCheck', {
    Type: 'AWS::Route53::HealthCheck',
    Properties: {
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: sub('${ApiGatewayRestApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}'),
        ResourcePath: path,
        RequestInterval: 30,
        FailureThreshold: 3,
      },
      HealthCheckTags: [{ Key: 'Name', Value: `${dns.regionalDomainName} ${scope.region}` }],
    },
  });
  return ref('ApiRegionalHealthCheck');
}

function defaultHealthPath(scope: EndpointScope): string {
  const gets = new Set(scope.routes.filter((r) => r.method === 'GET' || r.method === 'ANY').map((r) => r.path.replace(/^\/+|\/+$/g, '')));
  const found = HEALTH_ROUTES.find((p) => gets.has(p));
  if (found === undefined) {
    throw new PluginConfigError(
      `custom.dns.${scope.region}.healthCheckId`,
      `is not set and the service has no GET /${HEALTH_ROUTES.join(', /')} route to probe: the latency record of ${scope.region} needs a health check. ` +
        'Set healthCheckId (e.g. !Ref of an AWS::Route53::HealthCheck in resources), add a GET /check route, or set custom.dns.healthCheckResourcePath',
    );
  }
  return `/${scope.stage}/${found}`;
}

/** The http routes osls compiles, from `functions.<fn>.events[].http` in either of its forms. */
export function httpRoutes(functions: Record<string, unknown>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of Object.values(functions)) {
    if (!isRecord(fn) || !Array.isArray(fn.events)) continue;
    for (const event of fn.events) {
      if (!isRecord(event)) continue;
      const http = event.http;
      if (typeof http === 'string') {
        const [method, path] = http.trim().split(/\s+/, 2);
        if (method && path) routes.push({ method: method.toUpperCase(), path: path.replace(/^\/+/, '') });
      } else if (isRecord(http) && typeof http.method === 'string' && typeof http.path === 'string') {
        routes.push({ method: http.method.toUpperCase(), path: http.path.replace(/^\/+/, '') });
      }
    }
  }
  return routes;
}
