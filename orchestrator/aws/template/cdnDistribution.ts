import { PluginConfigError } from '../errors.js';
import { addOutput, addResource, getAtt, isRecord, ref, refTarget, sub, type CfTemplate } from './cfTemplate.js';
import type { CdnConfig, DnsConfig } from './pluginConfig.js';

/** CloudFront's fixed hosted zone for alias records (the same in every partition-commercial account). */
const CLOUDFRONT_HOSTED_ZONE = 'Z2FDTNDATAQYW2';
/** AWS's managed "CachingOptimized" cache policy, for objects read from buckets. */
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

export interface CdnScope {
  service: string;
  stage: string;
  stackName: string;
}

/**
 * The global half of the front door, only in `cdn.region`'s stack: one CloudFront distribution whose origin
 * is the regional domain name (Route 53 picks the nearest healthy region behind it), a cache policy instead
 * of legacy forwarded values, TLS 1.2 (2021 ciphers) to viewers and origins, HTTP/2, origin access control
 * for any bucket it serves, and the global name's alias records.
 */
export function addCdn(template: CfTemplate, cdn: CdnConfig, dns: DnsConfig, scope: CdnScope): void {
  const certificate = cdn.acmCertificateArn;
  if (certificate === undefined) {
    throw new PluginConfigError('custom.cdn.acmCertificateArn', `is required: CloudFront serves ${cdn.aliases.join(', ') || dns.domainName} with a certificate from ACM in us-east-1`);
  }
  addResource(template, 'ApiCachePolicy', {
    Type: 'AWS::CloudFront::CachePolicy',
    Properties: {
      CachePolicyConfig: {
        // Cache policy names are unique per account: service and stage make it so.
        Name: `${scope.service}-${scope.stage}-api`.slice(0, 128),
        Comment: `API of ${scope.stackName}: caches only what Cache-Control allows`,
        // 0 by default: the API's own Cache-Control decides (GET max-age=5, writes no-store).
        DefaultTTL: 0,
        MinTTL: 0,
        MaxTTL: 31536000,
        ParametersInCacheKeyAndForwardedToOrigin: {
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
          HeadersConfig: cdn.headers.length > 0 ? { HeaderBehavior: 'whitelist', Headers: cdn.headers } : { HeaderBehavior: 'none' },
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          CookiesConfig: { CookieBehavior: 'all' },
        },
      },
    },
  });

  const bucketOrigins = cdn.buckets.map((b, i) => bucketOrigin(template, b.bucket, b.pathPattern, `custom.cdn.buckets[${i}]`));
  if (bucketOrigins.length > 0) {
    addResource(template, 'ApiOriginAccessControl', {
      Type: 'AWS::CloudFront::OriginAccessControl',
      Properties: {
        OriginAccessControlConfig: {
          Name: `${scope.service}-${scope.stage}-buckets`.slice(0, 64),
          Description: `CloudFront of ${scope.stackName} reads its buckets signed (SigV4); the buckets stay private`,
          OriginAccessControlOriginType: 's3',
          SigningBehavior: 'always',
          SigningProtocol: 'sigv4',
        },
      },
    });
  }

  const config: Record<string, unknown> = {
    Comment: `${scope.stackName}: ${dns.domainName} → ${dns.regionalDomainName}`,
    Enabled: true,
    HttpVersion: 'http2',
    IPV6Enabled: true,
    PriceClass: cdn.priceClass,
    Origins: [
      {
        Id: 'ApiGateway',
        DomainName: dns.regionalDomainName,
        CustomOriginConfig: { HTTPSPort: 443, OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      },
      ...bucketOrigins.map((o) => o.origin),
    ],
    DefaultCacheBehavior: {
      TargetOriginId: 'ApiGateway',
      AllowedMethods: ALL_METHODS,
      CachedMethods: ['GET', 'HEAD', 'OPTIONS'],
      CachePolicyId: ref('ApiCachePolicy'),
      Compress: true,
      ViewerProtocolPolicy: 'https-only',
    },
    ViewerCertificate: { AcmCertificateArn: certificate, SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' },
  };
  if (bucketOrigins.length > 0) config.CacheBehaviors = bucketOrigins.map((o) => o.behavior);
  if (cdn.aliases.length > 0) config.Aliases = cdn.aliases;
  if (cdn.logging) {
    config.Logging = { Bucket: cdn.logging.bucket, Prefix: cdn.logging.prefix ?? `aws-cloudfront/api/${scope.stage}/${scope.stackName}`, IncludeCookies: false };
  }
  if (cdn.webACLId !== undefined) config.WebACLId = cdn.webACLId;

  addResource(template, 'ApiDistribution', {
    Type: 'AWS::CloudFront::Distribution',
    // The origin must answer on the regional name before CloudFront starts sending requests to it.
    DependsOn: ['ApiRegionalBasePathMapping'],
    Properties: { DistributionConfig: config },
  });
  for (const b of bucketOrigins) grantDistributionRead(template, b.bucketId);

  for (const [id, type] of [['ApiGlobalEndpointRecord', 'A'], ['ApiGlobalEndpointRecordIpv6', 'AAAA']] as const) {
    addResource(template, id, {
      Type: 'AWS::Route53::RecordSet',
      Properties: {
        ...dns.hostedZone,
        Name: `${dns.domainName}.`,
        Type: type,
        AliasTarget: { DNSName: getAtt('ApiDistribution', 'DomainName'), HostedZoneId: CLOUDFRONT_HOSTED_ZONE, EvaluateTargetHealth: false },
      },
    });
  }
  addOutput(template, 'ApiDistribution', { Value: getAtt('ApiDistribution', 'DomainName') });
  addOutput(template, 'ApiDistributionId', { Value: ref('ApiDistribution') });
  addOutput(template, 'GlobalEndpoint', { Value: `https://${dns.domainName}` });
}

interface BucketOrigin {
  bucketId: string;
  origin: Record<string, unknown>;
  behavior: Record<string, unknown>;
}

function bucketOrigin(template: CfTemplate, bucketId: string, pathPattern: string, at: string): BucketOrigin {
  if (template.Resources[bucketId]?.Type !== 'AWS::S3::Bucket') {
    throw new PluginConfigError(`${at}.bucket`, `"${bucketId}" must be the logical id of an AWS::S3::Bucket in this service's resources`);
  }
  const id = `Bucket${bucketId}`;
  return {
    bucketId,
    origin: {
      Id: id,
      DomainName: getAtt(bucketId, 'RegionalDomainName'),
      // Origin access control replaces the legacy origin access identity; the identity stays empty.
      S3OriginConfig: { OriginAccessIdentity: '' },
      OriginAccessControlId: getAtt('ApiOriginAccessControl', 'Id'),
    },
    behavior: {
      PathPattern: pathPattern,
      TargetOriginId: id,
      AllowedMethods: ['GET', 'HEAD'],
      CachedMethods: ['GET', 'HEAD'],
      CachePolicyId: CACHING_OPTIMIZED,
      Compress: true,
      ViewerProtocolPolicy: 'redirect-to-https',
    },
  };
}

/** The bucket's policy lets this distribution, and only it, read objects (merged into a policy the service has). */
function grantDistributionRead(template: CfTemplate, bucketId: string): void {
  const statement = {
    Sid: 'MeridianCloudFrontReads',
    Effect: 'Allow',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 's3:GetObject',
    Resource: sub(`\${${bucketId}.Arn}/*`),
    Condition: { StringEquals: { 'AWS:SourceArn': sub('arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${ApiDistribution}') } },
  };
  const existing = Object.values(template.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy' && refTarget(r.Properties?.Bucket) === bucketId);
  if (existing) {
    const doc = existing.Properties?.PolicyDocument;
    if (!isRecord(doc)) throw new PluginConfigError(`resources.${bucketId}`, 'its AWS::S3::BucketPolicy needs a PolicyDocument map');
    doc.Statement = [...(Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement]), statement];
    return;
  }
  addResource(template, `${bucketId}CdnReadPolicy`, {
    Type: 'AWS::S3::BucketPolicy',
    Properties: { Bucket: ref(bucketId), PolicyDocument: { Version: '2012-10-17', Statement: [statement] } },
  });
}
