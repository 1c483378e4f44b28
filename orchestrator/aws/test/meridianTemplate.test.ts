import { describe, expect, it } from 'vitest';
import { chooseRuntime } from '../bundle/lambdaRuntime.js';
import { InsecureTemplateError, PluginConfigError } from '../errors.js';
import type { CfResource, CfTemplate } from '../template/cfTemplate.js';
import { applyMeridian, type TemplateScope } from '../template/meridianTemplate.js';
import { ServiceDefinitionError } from '../../service-definition/index.js';
import { apiTemplate, policyStatements, resourcesOf } from './support/templates.js';

const REGIONS = ['us-east-1', 'us-west-2'];

function scope(region: string, routes = [{ method: 'GET', path: 'check' }]): TemplateScope {
  return { file: '/services/svc/serverless.yml', service: 'svc', stage: 'dev', region, stackName: 'svc-dev', regions: REGIONS, routes };
}

const dns = {
  hostedZoneId: 'Z123',
  domainName: 'svc.example.com',
  regionalDomainName: 'dev-svc.example.com',
  'us-east-1': { acmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/east' },
  'us-west-2': { acmCertificateArn: 'arn:aws:acm:us-west-2:111111111111:certificate/west', healthCheckId: 'hc-west' },
};
const cdn = { region: 'us-east-1', acmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/east' };

const table = (props: Record<string, unknown> = {}): CfResource => ({
  Type: 'AWS::DynamoDB::Table',
  DeletionPolicy: 'Retain',
  Properties: {
    TableName: 'dev-svc-things',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    ...props,
  },
});
const globalThings = [{ table: 'Things', global: true, read: { minimum: 5, maximum: 100, usage: 0.8 }, write: { minimum: 5, maximum: 50, usage: 0.7 } }];

/** What functions, IAM and outputs say about the table, as osls compiles them. */
function usingThings(): CfTemplate {
  return apiTemplate({
    Things: table(),
    Trigger: {
      Type: 'AWS::Lambda::EventSourceMapping',
      DependsOn: ['Role', 'Things'],
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['Things', 'StreamArn'] }, FunctionName: 'fn' },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        Policies: [
          {
            PolicyName: 'p',
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [{ 'Fn::GetAtt': 'Things.Arn' }, { 'Fn::Sub': '${Things.Arn}/index/*' }] },
                { Effect: 'Allow', Action: ['dynamodb:GetRecords'], Resource: { 'Fn::GetAtt': ['Things', 'StreamArn'] } },
              ],
            },
          },
        ],
      },
    },
  });
}

describe('global tables: the home region (latency rank 1) creates one GlobalTable with a replica in every region', () => {
  it('turns a table marked global into AWS::DynamoDB::GlobalTable 2019.11.21 with replica autoscaling, keeping its logical id', () => {
    const t = usingThings();
    const summary = applyMeridian(t, { autoscaling: globalThings }, scope('us-east-1'));
    expect(summary).toMatchObject({ globalTables: ['Things'], home: true });
    const things = t.Resources.Things!;
    expect(things.Type).toBe('AWS::DynamoDB::GlobalTable');
    expect(things.DeletionPolicy).toBe('Retain');
    expect(things.Properties).toMatchObject({
      TableName: 'dev-svc-things',
      BillingMode: 'PROVISIONED',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      WriteProvisionedThroughputSettings: { WriteCapacityAutoScalingSettings: { MinCapacity: 5, MaxCapacity: 50, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } } },
    });
    const replicas = things.Properties!.Replicas as Record<string, unknown>[];
    expect(replicas.map((r) => r.Region)).toEqual(REGIONS);
    for (const r of replicas) {
      expect(r.ReadProvisionedThroughputSettings).toMatchObject({ ReadCapacityAutoScalingSettings: { MinCapacity: 5, MaxCapacity: 100, TargetTrackingScalingPolicyConfiguration: { TargetValue: 80 } } });
    }
    // References stay as written: a GlobalTable answers Ref, Arn and StreamArn for its own region's replica.
    expect(t.Resources.Trigger!.Properties!.EventSourceArn).toEqual({ 'Fn::GetAtt': ['Things', 'StreamArn'] });
    expect(resourcesOf(t, 'AWS::ApplicationAutoScaling::ScalableTarget')).toEqual([]);
  });

  it('completes a hand-written GlobalTable: every configured region gets a replica, the stream is NEW_AND_OLD_IMAGES', () => {
    const t = apiTemplate({
      Sessions: {
        Type: 'AWS::DynamoDB::GlobalTable',
        Properties: { KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST', Replicas: [{ Region: 'us-east-1', TableClass: 'STANDARD' }] },
      },
    });
    applyMeridian(t, {}, scope('us-east-1'));
    expect(t.Resources.Sessions!.Properties).toMatchObject({
      TableName: 'svc-dev-Sessions',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      Replicas: [
        { Region: 'us-east-1', TableClass: 'STANDARD' },
        { Region: 'us-west-2', TableClass: 'STANDARD' },
      ],
    });
  });

  it('carries per-replica settings and GSIs over; refuses what a replica cannot have (a regional KMS key)', () => {
    const t = apiTemplate({
      Things: table({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        GlobalSecondaryIndexes: [{ IndexName: 'byKind', KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      }),
    });
    applyMeridian(t, { autoscaling: globalThings }, scope('us-east-1'));
    const p = t.Resources.Things!.Properties!;
    expect(p.GlobalSecondaryIndexes).toMatchObject([{ IndexName: 'byKind', WriteProvisionedThroughputSettings: { WriteCapacityAutoScalingSettings: { MaxCapacity: 50 } } }]);
    expect((p.Replicas as Record<string, unknown>[])[1]).toMatchObject({
      Region: 'us-west-2',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [{ IndexName: 'byKind' }],
    });

    const kms = apiTemplate({ Things: table({ SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: 'alias/mine' } }) });
    expect(() => applyMeridian(kms, { autoscaling: globalThings }, scope('us-east-1'))).toThrow(/KMSMasterKeyId.*lives in one region/);
  });

  it('refuses scheduled actions on a global table (its replicas scale by the GlobalTable resource)', () => {
    const t = apiTemplate({ Things: table() });
    const withActions = [{ ...globalThings[0], read: { minimum: 1, maximum: 5, actions: [{ name: 'night', minimum: 1, maximum: 1, schedule: 'cron(0 0 * * ? *)' }] } }];
    expect(() => applyMeridian(t, { autoscaling: withActions }, scope('us-east-1'))).toThrow(PluginConfigError);
  });

  it('names the problem when custom.autoscaling points at no table', () => {
    const t = apiTemplate();
    expect(() => applyMeridian(t, { autoscaling: [{ table: 'Nope', global: true }] }, scope('us-east-1'))).toThrow(/custom.autoscaling\[0\].table: "Nope" must be the logical id of an AWS::DynamoDB::Table/);
  });
});

describe('global tables: any other region references the home stack\'s replica without hand-written ARNs', () => {
  it('removes the table and rewrites Ref, GetAtt Arn, GetAtt StreamArn, Fn::Sub and DependsOn', () => {
    const t = usingThings();
    t.Outputs = { Name: { Value: { Ref: 'Things' } }, Text: { Value: { 'Fn::Sub': 'table ${Things} at ${Things.Arn} in ${AWS::Region}' } } };
    const summary = applyMeridian(t, { autoscaling: globalThings }, scope('us-west-2'));
    expect(summary.home).toBe(false);
    expect(t.Resources.Things).toBeUndefined();
    expect(resourcesOf(t, 'AWS::DynamoDB::GlobalTable')).toEqual([]);

    const arn = { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/dev-svc-things' };
    expect(t.Resources.Trigger!.Properties!.EventSourceArn).toEqual({ 'Fn::GetAtt': ['ThingsReplica', 'StreamArn'] });
    expect(t.Resources.Trigger!.DependsOn).toEqual(['Role', 'ThingsReplica']);
    const statements = policyStatements(t).filter((s) => s.where === 'Role').map((s) => s.statement);
    expect(statements[0]!.Resource).toEqual([arn, { 'Fn::Sub': ['${MeridianThingsArn}/index/*', { MeridianThingsArn: arn }] }]);
    expect(statements[1]!.Resource).toEqual({ 'Fn::GetAtt': ['ThingsReplica', 'StreamArn'] });
    expect(t.Outputs.Name!.Value).toBe('dev-svc-things');
    expect(t.Outputs.Text!.Value).toEqual({ 'Fn::Sub': ['table ${MeridianThings} at ${MeridianThingsArn} in ${AWS::Region}', { MeridianThings: 'dev-svc-things', MeridianThingsArn: arn }] });

    // The lookup: a custom resource answered by one inline function allowed to describe only those tables.
    expect(t.Resources.ThingsReplica).toMatchObject({ Type: 'Custom::MeridianTableReplica', Properties: { TableName: 'dev-svc-things' } });
    const fn = t.Resources.MeridianReplicaLookupFunction!;
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'index.handler' });
    expect(String((fn.Properties!.Code as { ZipFile: string }).ZipFile)).toContain('DescribeTableCommand');
    const lookupActions = policyStatements(t).filter((s) => s.where === 'MeridianReplicaLookupRole').flatMap((s) => s.statement.Action);
    expect(lookupActions).toEqual(['dynamodb:DescribeTable', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sts:AssumeRole']);
  });

  it('needs no lookup when only the name and ARN are used', () => {
    const t = apiTemplate({ Things: table(), Fn: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { TABLE: { Ref: 'Things' } } } } } });
    applyMeridian(t, { autoscaling: globalThings }, scope('us-west-2'));
    expect(t.Resources.Fn!.Properties!.Environment).toEqual({ Variables: { TABLE: 'dev-svc-things' } });
    expect(t.Resources.MeridianReplicaLookupFunction).toBeUndefined();
  });

  it('gives an unnamed global table the same name in every region (the local target\'s <stackName>-<LogicalId>)', () => {
    const east = apiTemplate({ Things: table({ TableName: undefined }) });
    const west = apiTemplate({ Things: table({ TableName: undefined }), Fn: { Type: 'AWS::Lambda::Function', Properties: { T: { Ref: 'Things' } } } });
    applyMeridian(east, { autoscaling: globalThings }, scope('us-east-1'));
    applyMeridian(west, { autoscaling: globalThings }, scope('us-west-2'));
    expect(east.Resources.Things!.Properties!.TableName).toBe('svc-dev-Things');
    expect(west.Resources.Fn!.Properties!.T).toBe('svc-dev-Things');
  });

  it('refuses attributes a replica lookup cannot give', () => {
    const t = apiTemplate({ Things: table(), X: { Type: 'AWS::SSM::Parameter', Properties: { Value: { 'Fn::GetAtt': ['Things', 'StreamArnLabel'] } } } });
    expect(() => applyMeridian(t, { autoscaling: globalThings }, scope('us-west-2'))).toThrow(/Things.StreamArnLabel is not available in this region/);
  });
});

describe('the front door: regional custom domain and latency records in every region, CloudFront only in cdn.region', () => {
  it('emits a REGIONAL domain (TLS 1.2), the base path mapping and a latency record with the given health check', () => {
    const t = apiTemplate();
    applyMeridian(t, { dns }, scope('us-west-2'));
    expect(t.Resources.ApiGatewayRestApi!.Properties).toEqual({ Name: 'dev-svc', EndpointConfiguration: { Types: ['REGIONAL'] } });
    expect(t.Resources.ApiRegionalDomainName!.Properties).toEqual({
      DomainName: 'dev-svc.example.com',
      RegionalCertificateArn: dns['us-west-2'].acmCertificateArn,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    expect(t.Resources.ApiRegionalBasePathMapping).toMatchObject({ DependsOn: ['ApiGatewayDeployment123'], Properties: { Stage: 'dev' } });
    expect(t.Resources.ApiRegionalEndpointRecord!.Properties).toMatchObject({
      HostedZoneId: 'Z123',
      Name: 'dev-svc.example.com.',
      Type: 'A',
      Region: 'us-west-2',
      SetIdentifier: 'us-west-2',
      HealthCheckId: 'hc-west',
    });
    // One zone reference only (a 2018 version deleted `hostedZoneId` instead of `HostedZoneId` and kept both).
    expect(t.Resources.ApiRegionalEndpointRecord!.Properties!.HostedZoneName).toBeUndefined();
    expect(t.Resources.ApiDistribution).toBeUndefined();
  });

  it('creates an HTTPS health check of GET /check when the region names none', () => {
    const t = apiTemplate();
    applyMeridian(t, { dns }, scope('us-east-1'));
    expect(t.Resources.ApiRegionalEndpointRecord!.Properties!.HealthCheckId).toEqual({ Ref: 'ApiRegionalHealthCheck' });
    expect(t.Resources.ApiRegionalHealthCheck!.Properties!.HealthCheckConfig).toMatchObject({ Type: 'HTTPS', ResourcePath: '/dev/check' });

    const noRoute = apiTemplate();
    expect(() => applyMeridian(noRoute, { dns }, scope('us-east-1', [{ method: 'POST', path: 'things' }]))).toThrow(/custom.dns.us-east-1.healthCheckId: is not set and the service has no GET \/check/);
  });

  it('requires each region\'s certificate, with the region and the name in the message', () => {
    const t = apiTemplate();
    expect(() => applyMeridian(t, { dns: { ...dns, 'us-east-1': {} } }, scope('us-east-1'))).toThrow(/custom.dns.us-east-1.acmCertificateArn: is required: API Gateway serves dev-svc.example.com in us-east-1/);
  });

  it('falls back like the plugin: zone by name from the domain, regional name `<label>-region`', () => {
    const t = apiTemplate();
    applyMeridian(t, { dns: { domainName: 'svc.example.com', 'us-east-1': dns['us-east-1'] } }, scope('us-east-1'));
    expect(t.Resources.ApiRegionalEndpointRecord!.Properties).toMatchObject({ HostedZoneName: 'example.com.', Name: 'svc-region.example.com.' });
    expect(t.Resources.ApiRegionalEndpointRecord!.Properties!.HostedZoneId).toBeUndefined();
  });

  it('builds the distribution in cdn.region only: cache policy, TLSv1.2_2021, http2, the global alias records', () => {
    const east = apiTemplate();
    const west = apiTemplate();
    applyMeridian(east, { dns, cdn }, scope('us-east-1'));
    applyMeridian(west, { dns, cdn }, scope('us-west-2'));
    expect(resourcesOf(west, 'AWS::CloudFront::Distribution')).toEqual([]);
    const config = east.Resources.ApiDistribution!.Properties!.DistributionConfig as Record<string, unknown>;
    expect(config).toMatchObject({
      HttpVersion: 'http2',
      Aliases: ['svc.example.com'],
      PriceClass: 'PriceClass_100',
      Origins: [{ DomainName: 'dev-svc.example.com', CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] } }],
      DefaultCacheBehavior: { CachePolicyId: { Ref: 'ApiCachePolicy' } },
      ViewerCertificate: { AcmCertificateArn: cdn.acmCertificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
    });
    expect(JSON.stringify(config)).not.toContain('ForwardedValues');
    expect(east.Resources.ApiCachePolicy!.Properties).toMatchObject({ CachePolicyConfig: { ParametersInCacheKeyAndForwardedToOrigin: { HeadersConfig: { Headers: ['Accept', 'Authorization'] } } } });
    expect(east.Resources.ApiGlobalEndpointRecord!.Properties).toMatchObject({ Name: 'svc.example.com.', Type: 'A', AliasTarget: { HostedZoneId: 'Z2FDTNDATAQYW2' } });
  });

  it('reads the CloudFront logging bucket under either key, with or without .s3.amazonaws.com (the plugin\'s README and code disagreed)', () => {
    for (const logging of [{ bucket: 'audit.s3.amazonaws.com' }, { bucket: 'audit' }, { bucketName: 'audit', prefix: 'p/' }]) {
      const t = apiTemplate();
      applyMeridian(t, { dns, cdn: { ...cdn, logging } }, scope('us-east-1'));
      const config = t.Resources.ApiDistribution!.Properties!.DistributionConfig as { Logging: Record<string, unknown> };
      expect(config.Logging.Bucket).toBe('audit.s3.amazonaws.com');
      expect(config.Logging.Prefix).toBe('prefix' in logging ? 'p/' : 'aws-cloudfront/api/dev/svc-dev');
    }
  });

  it('serves a bucket behind origin access control, the bucket policy allowing only this distribution', () => {
    const t = apiTemplate({ Site: { Type: 'AWS::S3::Bucket', Properties: {} } });
    applyMeridian(t, { dns, cdn: { ...cdn, buckets: [{ pathPattern: '/site/*', bucket: 'Site' }] } }, scope('us-east-1'));
    const config = t.Resources.ApiDistribution!.Properties!.DistributionConfig as { Origins: Record<string, unknown>[] };
    expect(config.Origins[1]).toMatchObject({ S3OriginConfig: { OriginAccessIdentity: '' }, OriginAccessControlId: { 'Fn::GetAtt': ['ApiOriginAccessControl', 'Id'] } });
    expect(t.Resources.ApiOriginAccessControl!.Properties).toMatchObject({ OriginAccessControlConfig: { OriginAccessControlOriginType: 's3', SigningBehavior: 'always' } });
    const grant = policyStatements(t).find((s) => s.where === 'SiteCdnReadPolicy')!.statement;
    expect(grant).toMatchObject({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject' });
    expect(JSON.stringify(grant.Condition)).toContain('distribution/${ApiDistribution}');
  });

  it('honours the plugin\'s switches (cdn.disabled, cdn.enabled stages) and needs dns for a cdn', () => {
    const off = apiTemplate();
    applyMeridian(off, { dns, cdn: { ...cdn, disabled: true } }, scope('us-east-1'));
    expect(off.Resources.ApiRegionalDomainName).toBeUndefined();
    const prodOnly = apiTemplate();
    applyMeridian(prodOnly, { dns, cdn: { ...cdn, enabled: ['prod'] } }, scope('us-east-1'));
    expect(prodOnly.Resources.ApiDistribution).toBeUndefined();
    expect(prodOnly.Resources.ApiRegionalDomainName).toBeDefined();
    expect(() => applyMeridian(apiTemplate(), { cdn }, scope('us-east-1'))).toThrow(ServiceDefinitionError);
    expect(() => applyMeridian(apiTemplate(), { dns, cdn: { ...cdn, region: 'eu-west-1' } }, scope('us-west-2'))).toThrow(/custom.cdn.region: "eu-west-1" is not a configured region/);
  });

  it('says which service setting is wrong, with the file', () => {
    expect(() => applyMeridian(apiTemplate(), { dns: { ...dns, domainName: 'not a name' } }, scope('us-east-1'))).toThrow(
      /serverless.yml: custom.dns.domainName: "not a name" is not a DNS name/,
    );
  });
});

describe('autoscaling of regional tables (serverless-dynamodb-autoscaling-plugin)', () => {
  it('adds target tracking and scheduled actions through the service-linked role (no role with CloudWatch *)', () => {
    const t = apiTemplate({ Counters: table() });
    const entry = { table: 'Counters', read: { minimum: 1, maximum: 20, usage: 0.6, actions: [{ name: 'night', minimum: 1, maximum: 1, schedule: 'cron(0 0 * * ? *)' }] } };
    applyMeridian(t, { autoscaling: [entry] }, scope('us-west-2'));
    expect(t.Resources.Counters!.Type).toBe('AWS::DynamoDB::Table');
    expect(t.Resources.CountersAutoScalableTargetRead!.Properties).toMatchObject({
      MinCapacity: 1,
      MaxCapacity: 20,
      ScalableDimension: 'dynamodb:table:ReadCapacityUnits',
      ScheduledActions: [{ ScheduledActionName: 'night', Schedule: 'cron(0 0 * * ? *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 1 } }],
    });
    expect(t.Resources.CountersAutoScalableTargetRead!.Properties!.RoleARN).toBeUndefined();
    expect(t.Resources.CountersAutoScalingPolicyRead!.Properties).toMatchObject({ TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 } });
    expect(resourcesOf(t, 'AWS::IAM::Role')).toEqual([]);
  });

  it('refuses autoscaling of an on-demand table', () => {
    const t = apiTemplate({ Counters: table({ BillingMode: 'PAY_PER_REQUEST', ProvisionedThroughput: undefined }) });
    expect(() => applyMeridian(t, { autoscaling: [{ table: 'Counters', read: { minimum: 1, maximum: 2 } }] }, scope('us-east-1'))).toThrow(/PAY_PER_REQUEST/);
  });
});

describe('secure by default', () => {
  it('makes every bucket block public access, encrypt and refuse ACLs', () => {
    const t = apiTemplate({ B: { Type: 'AWS::S3::Bucket' } });
    applyMeridian(t, {}, scope('us-east-1'));
    expect(t.Resources.B!.Properties).toEqual({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(t.Resources.ApiGatewayRestApi!.Properties!.Policy).toBeUndefined();
    // TLS 1.2 or later, or no access at all.
    const tls = policyStatements(t).filter((x) => x.where === 'BTlsOnlyPolicy').map((x) => x.statement);
    expect(tls).toMatchObject([
      { Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': false } } },
      { Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
    ]);
  });

  it('adds the TLS rules to a bucket\'s own policy rather than a second one', () => {
    const own = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } };
    const t = apiTemplate({ B: { Type: 'AWS::S3::Bucket' }, P: { Type: 'AWS::S3::BucketPolicy', Properties: { Bucket: { Ref: 'B' }, PolicyDocument: { Statement: [own] } } } });
    applyMeridian(t, {}, scope('us-east-1'));
    expect(resourcesOf(t, 'AWS::S3::BucketPolicy').map(([id]) => id)).toEqual(['P']);
    expect(policyStatements(t).map((x) => x.statement.Sid)).toEqual([undefined, 'MeridianDenyTlsBelow12']);
  });

  it.each([
    ['a public ACL', { B: { Type: 'AWS::S3::Bucket', Properties: { AccessControl: 'PublicRead' } } }, /AccessControl PublicRead makes the bucket public/],
    ['a weakened public access block', { B: { Type: 'AWS::S3::Bucket', Properties: { PublicAccessBlockConfiguration: { BlockPublicAcls: false } } } }, /must block all public access/],
    ['public-read anywhere', { F: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { ACL: 'public-read' } } } } }, /public-read ACL/],
    ['an Allow of s3:*', { P: { Type: 'AWS::IAM::Policy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } } } }, /allows "s3:\*"; name the actions/],
    ['an Allow of *', { R: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyDocument: { Statement: { Effect: 'Allow', Action: ['*'], Resource: '*' } } }] } } }, /allows "\*"/],
    ['anyone allowed', { P: { Type: 'AWS::SNS::TopicPolicy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: 'arn:aws:sns:us-east-1:111111111111:t' }] } } } }, /allows anyone/],
    [
      'a bucket origin without origin access control',
      { D: { Type: 'AWS::CloudFront::Distribution', Properties: { DistributionConfig: { Origins: [{ Id: 'S', DomainName: 'b.s3.amazonaws.com', S3OriginConfig: {} }] } } } },
      /without origin access control/,
    ],
  ])('refuses %s', (_, extra, message) => {
    expect(() => applyMeridian(apiTemplate(extra as Record<string, CfResource>), {}, scope('us-east-1'))).toThrow(InsecureTemplateError);
    expect(() => applyMeridian(apiTemplate(extra as Record<string, CfResource>), {}, scope('us-east-1'))).toThrow(message);
  });

  it('lets Deny statements be broad (deny s3:* without TLS is good practice)', () => {
    const t = apiTemplate({
      P: { Type: 'AWS::S3::BucketPolicy', Properties: { PolicyDocument: { Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': false } } }] } } },
    });
    expect(() => applyMeridian(t, {}, scope('us-east-1'))).not.toThrow();
  });
});

describe('runtime', () => {
  it('moves old Node.js runtimes up to nodejs22.x, keeps current ones, refuses others', () => {
    expect(chooseRuntime('nodejs8.10', 'provider.runtime')).toEqual({ runtime: 'nodejs22.x', target: 'node22', upgradedFrom: 'nodejs8.10' });
    expect(chooseRuntime('nodejs20.x', 'provider.runtime')).toMatchObject({ runtime: 'nodejs22.x', upgradedFrom: 'nodejs20.x' });
    expect(chooseRuntime('nodejs24.x', 'provider.runtime')).toEqual({ runtime: 'nodejs24.x', target: 'node24' });
    expect(chooseRuntime(undefined, 'provider.runtime')).toEqual({ runtime: 'nodejs22.x', target: 'node22' });
    expect(() => chooseRuntime('python3.12', 'functions.x.runtime')).toThrow(/functions.x.runtime: "python3.12" is not a Node.js runtime/);
  });
});

describe('regions', () => {
  it('refuses a region config/ does not define', () => {
    expect(() => applyMeridian(apiTemplate(), {}, scope('eu-west-1'))).toThrow(/eu-west-1 is not a configured region/);
  });
});
