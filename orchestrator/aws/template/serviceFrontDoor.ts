import type { AwsFrontDoorConfig } from '../../../regions/config.js';
import { PluginConfigError } from '../errors.js';
import { addOutput, addResource, getAtt, ref, resourcesOfType, type CfTemplate } from './cfTemplate.js';
import { healthCheckExport, regionHealthName, serviceApiName } from './frontDoorNames.js';
import type { HttpRoute } from './regionalEndpoint.js';

export interface ServiceFrontDoorScope {
  service: string;
  region: string;
  stage: string;
  routes: HttpRoute[];
}

/**
 * A service's part of the system front door, in every region: its REST API answers on its own regional
 * name `<service>.api.<domain>` (a REGIONAL custom domain mapped at the root, so `/destinations/{id}` stays
 * `/destinations/{id}`), and a latency record per region sends CloudFront to the nearest region whose health
 * check passes. The check is the region's, from the platform stack (imported: the platform deploys first);
 * the service that serves the health path also answers on the region-pinned name that check probes.
 */
export function addServiceFrontDoor(template: CfTemplate, frontDoor: AwsFrontDoorConfig, scope: ServiceFrontDoorScope): string {
  const api = template.Resources.ApiGatewayRestApi;
  if (!api) throw new PluginConfigError('functions', 'the service has http events but osls compiled no REST API');
  const certificate = frontDoor.certificates[scope.region];
  if (certificate === undefined) throw new PluginConfigError(`config/meridian.yml aws.frontDoor.certificates.${scope.region}`, `is missing: the API of ${scope.service} answers in ${scope.region} with a certificate from ACM in ${scope.region}`);
  api.Properties ??= {};
  api.Properties.EndpointConfiguration = { Types: ['REGIONAL'] };
  const deployments = resourcesOfType(template, 'AWS::ApiGateway::Deployment').map(([id]) => id);
  const name = serviceApiName(frontDoor, scope.service);

  addCustomDomain(template, 'FrontDoorDomainName', 'FrontDoorBasePathMapping', name, certificate, scope.stage, deployments);
  addResource(template, 'FrontDoorLatencyRecord', {
    Type: 'AWS::Route53::RecordSet',
    Properties: {
      HostedZoneId: frontDoor.hostedZoneId,
      Name: `${name}.`,
      // A CNAME, not an alias: its TTL is ours to set (an alias answers with AWS's), and it bounds how long
      // CloudFront keeps sending to a region after its check failed.
      Type: 'CNAME',
      TTL: String(frontDoor.regionalRecordTtl),
      ResourceRecords: [getAtt('FrontDoorDomainName', 'RegionalDomainName')],
      Region: scope.region,
      SetIdentifier: scope.region,
      HealthCheckId: { 'Fn::ImportValue': healthCheckExport(scope.stage) },
    },
  });
  addOutput(template, 'FrontDoorRegionalEndpoint', { Value: `https://${name}` });

  const servesHealth = scope.routes.some((r) => (r.method === 'GET' || r.method === 'ANY') && `/${r.path.replace(/^\/+|\/+$/g, '')}` === frontDoor.healthCheck.path);
  if (servesHealth) {
    const pinned = regionHealthName(frontDoor, scope.region);
    addCustomDomain(template, 'FrontDoorHealthDomainName', 'FrontDoorHealthBasePathMapping', pinned, certificate, scope.stage, deployments);
    addResource(template, 'FrontDoorHealthRecord', {
      Type: 'AWS::Route53::RecordSet',
      Properties: {
        HostedZoneId: frontDoor.hostedZoneId,
        Name: `${pinned}.`,
        Type: 'A',
        AliasTarget: {
          DNSName: getAtt('FrontDoorHealthDomainName', 'RegionalDomainName'),
          HostedZoneId: getAtt('FrontDoorHealthDomainName', 'RegionalHostedZoneId'),
          EvaluateTargetHealth: false,
        },
      },
    });
  }
  return name;
}

function addCustomDomain(template: CfTemplate, domainId: string, mappingId: string, name: string, certificate: string, stage: string, deployments: string[]): void {
  addResource(template, domainId, {
    Type: 'AWS::ApiGateway::DomainName',
    Properties: { DomainName: name, RegionalCertificateArn: certificate, EndpointConfiguration: { Types: ['REGIONAL'] }, SecurityPolicy: 'TLS_1_2' },
  });
  addResource(template, mappingId, {
    Type: 'AWS::ApiGateway::BasePathMapping',
    // No BasePath: the whole API at the root, so public paths are the API's own.
    ...(deployments.length > 0 ? { DependsOn: deployments } : {}),
    Properties: { DomainName: ref(domainId), RestApiId: ref('ApiGatewayRestApi'), Stage: stage },
  });
}
