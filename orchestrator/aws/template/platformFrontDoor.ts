import type { AwsFrontDoorConfig } from '../../../regions/config.js';
import { PluginConfigError } from '../errors.js';
import { addOutput, addResource, getAtt, ref, sub, type CfTemplate } from './cfTemplate.js';
import { DISTRIBUTION_REGION, distributionIdParameter, healthCheckExport, regionHealthName, serviceApiName } from './frontDoorNames.js';
import { addDistributionLookup } from './distributionLookup.js';
import type { HttpRoute } from './regionalEndpoint.js';

/** CloudFront's fixed hosted zone for alias records. */
const CLOUDFRONT_HOSTED_ZONE = 'Z2FDTNDATAQYW2';
/** AWS managed origin request policy "AllViewerExceptHostHeader": everything but Host (API Gateway refuses a foreign Host). */
export const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

/**
 * How long CloudFront waits on an origin, in the failover time (README, "Front door"). API origins: two
 * attempts of 5 s to connect (defaults 3 × 10 s), 30 s to answer (API Gateway's own limit is 29 s). Bucket
 * origins: one attempt of 3 s, then the origin group asks the other region's bucket.
 */
export const API_ORIGIN_TIMING = { ConnectionAttempts: 2, ConnectionTimeout: 5, OriginReadTimeout: 30 } as const;
export const SITE_ORIGIN_TIMING = { ConnectionAttempts: 1, ConnectionTimeout: 3 } as const;
/** What makes the origin group ask the next region's bucket: a missing page (403 without ListBucket) or a failing S3. */
export const SITE_FAILOVER_STATUS = [403, 404, 500, 502, 503, 504];
/** 5xx answers are passed on but never cached: the next request may reach a healthy region. */
export const UNCACHED_ERRORS = [500, 502, 503, 504];

export interface SystemService {
  service: string;
  routes: HttpRoute[];
}

export interface PlatformScope {
  region: string;
  stage: string;
  stackName: string;
  /** Every configured region, nearest (latency rank 1) first, with its site bucket's name. */
  regions: { region: string; siteBucket: string }[];
  /** Every service of the system with http events (only read in us-east-1). */
  services: SystemService[];
}

/**
 * The platform stack of the front door, packaged like a service (regions/front-door). In every region: the
 * region's Route 53 health check (generated from config: HTTPS GET on `<region>.api.<domain>` + the health
 * path, exported for every service's latency record) and the region's site bucket, readable only by the
 * distribution. In us-east-1 only: the one CloudFront distribution of the whole system.
 */
export function addPlatformFrontDoor(template: CfTemplate, frontDoor: AwsFrontDoorConfig, scope: PlatformScope): { distribution: boolean } {
  addHealthCheck(template, frontDoor, scope);
  const here = scope.regions.find((r) => r.region === scope.region);
  if (!here) throw new PluginConfigError('--region', `${scope.region} is not a configured region`);
  addSiteBucket(template, here.siteBucket, scope);
  if (scope.region !== DISTRIBUTION_REGION) {
    // The distribution is created by us-east-1's stack (deployed first): its id comes from SSM there.
    addDistributionLookup(template, distributionIdParameter(scope.stage), scope.stackName);
    grantDistributionRead(template, getAtt('DistributionLookup', 'Id'));
    exportDistributionId(template, getAtt('DistributionLookup', 'Id'), scope);
    return { distribution: false };
  }
  addDistribution(template, frontDoor, scope);
  grantDistributionRead(template, ref('Distribution'));
  exportDistributionId(template, ref('Distribution'), scope);
  return { distribution: true };
}

/** The same export in every region, so a stack anywhere (the homepage's invalidations) can name the distribution in IAM. */
function exportDistributionId(template: CfTemplate, id: unknown, scope: PlatformScope): void {
  addOutput(template, 'DistributionId', { Value: id, Export: { Name: `${scope.stackName}-distribution-id` } });
}

function addHealthCheck(template: CfTemplate, frontDoor: AwsFrontDoorConfig, scope: PlatformScope): void {
  const name = regionHealthName(frontDoor, scope.region);
  addResource(template, 'RegionHealthCheck', {
    Type: 'AWS::Route53::HealthCheck',
    Properties: {
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: name,
        Port: 443,
        EnableSNI: true,
        ResourcePath: frontDoor.healthCheck.path,
        RequestInterval: frontDoor.healthCheck.requestInterval,
        FailureThreshold: frontDoor.healthCheck.failureThreshold,
      },
      HealthCheckTags: [{ Key: 'Name', Value: `${scope.stackName} ${scope.region}: https://${name}${frontDoor.healthCheck.path}` }],
    },
  });
  addOutput(template, 'RegionHealthCheck', { Value: ref('RegionHealthCheck'), Export: { Name: healthCheckExport(scope.stage) } });
}

/** The region's site bucket (issue 12's homepage writes into it): versioned, encrypted, private; its name exported. */
function addSiteBucket(template: CfTemplate, bucketName: string, scope: PlatformScope): void {
  addResource(template, 'SiteBucket', {
    Type: 'AWS::S3::Bucket',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      BucketName: bucketName,
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    },
  });
  addOutput(template, 'SiteBucketName', { Value: ref('SiteBucket'), Export: { Name: `${scope.stackName}-site-bucket` } });
  addOutput(template, 'SiteBucketArn', { Value: getAtt('SiteBucket', 'Arn'), Export: { Name: `${scope.stackName}-site-bucket-arn` } });
}

/** The bucket lets exactly one distribution read objects (AWS:SourceArn), signed through origin access control. */
function grantDistributionRead(template: CfTemplate, distributionId: unknown): void {
  addResource(template, 'SiteBucketPolicy', {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: ref('SiteBucket'),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'FrontDoorReads',
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Resource: sub('${SiteBucket.Arn}/*'),
            Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': ['arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Id}', { Id: distributionId }] } } },
          },
        ],
      },
    },
  });
}

function addDistribution(template: CfTemplate, frontDoor: AwsFrontDoorConfig, scope: PlatformScope): void {
  addResource(template, 'ApiCachePolicy', cachePolicy(`${scope.stackName}-api`, 'API paths: only what the answer\'s Cache-Control allows', 0, 31536000, true));
  addResource(template, 'SiteCachePolicy', cachePolicy(`${scope.stackName}-site`, 'Site pages: as Cache-Control says, 60 s without one', 60, 86400, false));
  addResource(template, 'SiteOriginAccessControl', {
    Type: 'AWS::CloudFront::OriginAccessControl',
    Properties: {
      OriginAccessControlConfig: {
        Name: `${scope.stackName}-site`.slice(0, 64),
        Description: 'The front door reads every region\'s site bucket signed (SigV4); the buckets stay private',
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    },
  });
  const [primary, secondary] = scope.regions;
  if (!primary || !secondary) throw new PluginConfigError('config/', 'the front door\'s origin group needs two regions (CloudFront fails over between exactly two origins)');
  const siteOrigins = [primary, secondary].map((r) => ({
    Id: `site-${r.region}`,
    DomainName: `${r.siteBucket}.s3.${r.region}.amazonaws.com`,
    S3OriginConfig: { OriginAccessIdentity: '' },
    OriginAccessControlId: getAtt('SiteOriginAccessControl', 'Id'),
    ...SITE_ORIGIN_TIMING,
  }));
  const behaviours = apiBehaviours(scope.services, frontDoor);
  const apiOrigins = scope.services
    .filter((s) => s.routes.length > 0)
    .map((s) => ({
      Id: `api-${s.service}`,
      DomainName: serviceApiName(frontDoor, s.service),
      ConnectionAttempts: API_ORIGIN_TIMING.ConnectionAttempts,
      ConnectionTimeout: API_ORIGIN_TIMING.ConnectionTimeout,
      CustomOriginConfig: { HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'], OriginReadTimeout: API_ORIGIN_TIMING.OriginReadTimeout },
    }));
  addResource(template, 'Distribution', {
    Type: 'AWS::CloudFront::Distribution',
    Properties: {
      DistributionConfig: {
        Comment: `${scope.stackName}: the one front door of ${frontDoor.domain}`,
        Enabled: true,
        Aliases: frontDoor.aliases,
        HttpVersion: 'http2and3',
        IPV6Enabled: true,
        PriceClass: frontDoor.priceClass,
        DefaultRootObject: 'index.html',
        Origins: [...apiOrigins, ...siteOrigins],
        OriginGroups: {
          Quantity: 1,
          Items: [
            {
              Id: 'site',
              FailoverCriteria: { StatusCodes: { Quantity: SITE_FAILOVER_STATUS.length, Items: SITE_FAILOVER_STATUS } },
              Members: { Quantity: 2, Items: siteOrigins.map((o) => ({ OriginId: o.Id })) },
            },
          ],
        },
        // Everything that is not an API path is the site: the nearest region's bucket, else the other's.
        DefaultCacheBehavior: {
          TargetOriginId: 'site',
          AllowedMethods: ['GET', 'HEAD'],
          CachedMethods: ['GET', 'HEAD'],
          CachePolicyId: ref('SiteCachePolicy'),
          Compress: true,
          // Pages only: a plain-HTTP visitor is sent to HTTPS (API paths refuse plain HTTP outright).
          ViewerProtocolPolicy: 'redirect-to-https',
        },
        CacheBehaviors: behaviours.map((b) => ({
          PathPattern: b.pattern,
          TargetOriginId: `api-${b.service}`,
          AllowedMethods: ALL_METHODS,
          CachedMethods: ['GET', 'HEAD'],
          CachePolicyId: ref('ApiCachePolicy'),
          OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
          Compress: true,
          // A redirect would send a command's body in the clear first: HTTPS or nothing.
          ViewerProtocolPolicy: 'https-only',
        })),
        CustomErrorResponses: UNCACHED_ERRORS.map((code) => ({ ErrorCode: code, ErrorCachingMinTTL: 0 })),
        ViewerCertificate: { AcmCertificateArn: frontDoor.certificates[DISTRIBUTION_REGION], SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' },
      },
    },
  });
  for (const [i, alias] of frontDoor.aliases.entries()) {
    for (const type of ['A', 'AAAA'] as const) {
      addResource(template, `AliasRecord${i}${type === 'A' ? 'Ipv4' : 'Ipv6'}`, {
        Type: 'AWS::Route53::RecordSet',
        Properties: {
          HostedZoneId: frontDoor.hostedZoneId,
          Name: `${alias}.`,
          Type: type,
          AliasTarget: { DNSName: getAtt('Distribution', 'DomainName'), HostedZoneId: CLOUDFRONT_HOSTED_ZONE, EvaluateTargetHealth: false },
        },
      });
    }
  }
  addResource(template, 'DistributionIdParameter', {
    Type: 'AWS::SSM::Parameter',
    Properties: { Name: distributionIdParameter(scope.stage), Type: 'String', Value: ref('Distribution'), Description: 'The front door\'s CloudFront distribution id (other regions\' site bucket policies, homepage invalidations)' },
  });
  addOutput(template, 'DistributionDomainName', { Value: getAtt('Distribution', 'DomainName') });
  addOutput(template, 'GlobalEndpoint', { Value: `https://${frontDoor.aliases[0] ?? frontDoor.domain}` });
}

function cachePolicy(name: string, comment: string, defaultTtl: number, maxTtl: number, api: boolean) {
  return {
    Type: 'AWS::CloudFront::CachePolicy',
    Properties: {
      CachePolicyConfig: {
        Name: name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128),
        Comment: comment,
        // MinTTL 0: the origin's Cache-Control (no-store, max-age, s-maxage) decides, never overridden upwards.
        MinTTL: 0,
        DefaultTTL: defaultTtl,
        MaxTTL: maxTtl,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
          // Authorization must be in the key to reach the origin at all (an origin request policy cannot forward it).
          HeadersConfig: api ? { HeaderBehavior: 'whitelist', Headers: ['Authorization'] } : { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: api ? 'all' : 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        },
      },
    },
  };
}

export interface ApiBehaviour {
  pattern: string;
  service: string;
}

/**
 * CloudFront path patterns from the services' http routes: a route's literal prefix up to its first
 * `{param}` becomes `<prefix>/*`, a route without parameters its exact path. Most specific first (CloudFront
 * takes the first match). Two services claiming one pattern is an error: one of them would never be reached.
 */
export function apiBehaviours(services: SystemService[], frontDoor: AwsFrontDoorConfig): ApiBehaviour[] {
  const owner = new Map<string, string>();
  for (const s of services) {
    serviceApiName(frontDoor, s.service);
    for (const route of s.routes) {
      const segments = route.path.replace(/^\/+|\/+$/g, '').split('/').filter((x) => x !== '');
      const param = segments.findIndex((x) => x.startsWith('{'));
      const literal = param < 0 ? segments : segments.slice(0, param);
      if (literal.length === 0) throw new PluginConfigError(`${s.service}: http ${route.method} /${route.path}`, 'starts with a parameter or is the root, which the site owns behind the front door; give the route a literal first segment, such as /destinations/{id}');
      const pattern = `/${literal.join('/')}${param < 0 ? '' : '/*'}`;
      const other = owner.get(pattern);
      if (other !== undefined && other !== s.service) throw new PluginConfigError(`${s.service}: http ${route.method} /${route.path}`, `its front-door path ${pattern} is ${other}'s too; one of them would never be reached`);
      owner.set(pattern, s.service);
    }
  }
  const specificity = (p: string) => p.replace(/\*$/, '').length * 2 + (p.endsWith('*') ? 0 : 1);
  return [...owner].map(([pattern, service]) => ({ pattern, service })).sort((a, b) => specificity(b.pattern) - specificity(a.pattern) || a.pattern.localeCompare(b.pattern));
}
