import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDeferred, isIntrinsic, loadService, type FunctionDef, type ServiceDefinition, type StreamEvent } from '../index.js';
import { fixtureConfig, service } from './support.js';

const load = (name: string, region: string, stage = 'dev') => loadService(service(name), { stage, region, configDir: fixtureConfig, env: {} });
const fn = (def: ServiceDefinition, key: string): FunctionDef => {
  const found = def.functions.find((f) => f.key === key);
  if (!found) throw new Error(`no function ${key}`);
  return found;
};
const resource = (def: ServiceDefinition, id: string) => def.resources.find((r) => r.logicalId === id);

describe('a service written for the 2018 plugins (custom.dns, cdn, autoscaling, a global table)', () => {
  const east = load('global-things', 'us-east-1');
  const west = load('global-things', 'us-west-2');

  it('names the service, stack and functions as the framework does', () => {
    expect(east.service).toBe('global-things');
    expect(east.stackName).toBe('global-things-dev');
    expect(east.functions.map((f) => f.name)).toEqual([
      'global-things-dev-check',
      'global-things-dev-trigger',
      'global-things-dev-listener',
      'global-things-dev-replicator',
    ]);
    expect(load('global-things', 'us-east-1', 'prd').functions[0]!.name).toBe('global-things-prd-check');
  });

  it('finds each handler module and its export', () => {
    const trigger = fn(east, 'trigger');
    expect(trigger.handlerFile).toBe(join(service('global-things'), 'src', 'trigger.ts'));
    expect(trigger.handlerExport).toBe('handler');
    expect(east.dir).toBe(service('global-things'));
  });

  it('resolves per-region values from config/<region>.yml and the ring', () => {
    expect(resource(east, 'Bucket')!.Properties.BucketName).toBe('fixture-search-us-east-1');
    expect(resource(west, 'Bucket')!.Properties.BucketName).toBe('fixture-search-us-west-2');
    expect(fn(east, 'replicator').environment.REPLICATION_BUCKET_NAME).toBe('fixture-search-us-west-2');
    expect(fn(west, 'replicator').environment.REPLICATION_BUCKET_NAME).toBe('fixture-search-us-east-1');
    expect(fn(west, 'replicator').environment.BUCKET_ARN).toBe('arn:aws:s3:::fixture-search-us-west-2');
    expect(east.custom.nextRegion).toBe('us-west-2');
    expect(west.custom.nextRegion).toBe('us-east-1');
    const health = resource(west, 'ApiHealthCheck')!.Properties.HealthCheckConfig as Record<string, Record<string, unknown>>;
    expect(health.AlarmIdentifier!.Region).toBe('us-west-2');
  });

  it('keeps the plugin configuration keys, resolved, for Meridian’s own plugin', () => {
    expect(east.plugins).toContain('serverless-dynamodb-global-table-plugin');
    expect(east.custom.dns).toMatchObject({
      hostedZoneId: 'Z0000000000000',
      domainName: 'global-things.example.com',
      regionalDomainName: 'dev-global-things.example.com',
      'us-east-1': { healthCheckId: { kind: 'cf', stack: 'global-things-dev', output: 'ApiHealthCheckId', region: 'us-east-1' } },
    });
    expect(east.custom.cdn).toEqual({
      region: 'us-east-1',
      aliases: ['global-things.example.com'],
      acmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/east',
    });
    expect(east.custom.autoscaling).toEqual([
      { table: 'Table', global: true, read: { minimum: 5, maximum: 1000, usage: 0.8 }, write: { minimum: 5, maximum: 1000, usage: 0.8 } },
    ]);
  });

  it('keeps numbers typed when the whole value is one variable', () => {
    expect(resource(east, 'Table')!.Properties.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    expect(east.provider.timeout).toBe(20);
    expect(fn(east, 'check').timeout).toBe(20);
    expect(fn(east, 'listener').timeout).toBe(30);
  });

  it('normalises the provider: endpoint type, v2 IAM statements, merged environment', () => {
    expect(east.provider.endpointType).toBe('REGIONAL');
    expect(east.provider.iamStatements).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: [{ 'Fn::GetAtt': ['Table', 'Arn'] }] },
      { Effect: 'Allow', Action: ['kinesis:PutRecord'], Resource: [{ kind: 'cf', stack: 'cncb-event-stream-dev', output: 'streamArn' }] },
    ]);
    expect(fn(east, 'check').environment).toEqual({
      TABLE_NAME: 'dev-global-things-things',
      SERVERLESS_PROJECT: 'global-things',
      LOG_LEVEL: 'info',
      UNHEALTHY: 'false',
    });
  });

  it('keeps CloudFormation intrinsics in long form, short tags included, and Fn::Sub text untouched', () => {
    expect(fn(east, 'replicator').environment.TOPIC_ARN).toEqual({ Ref: 'BucketTopic' });
    expect(east.outputs.TableArn).toEqual({ Value: { 'Fn::GetAtt': ['Table', 'Arn'] } });
    expect(east.outputs.TableStreamArn).toEqual({ Value: { 'Fn::GetAtt': ['Table', 'StreamArn'] } });
    expect(east.outputs.Where).toEqual({ Value: { 'Fn::Sub': '${AWS::StackName} in ${AWS::Region}' } });
    expect(east.outputs.RegionalEndpoint).toEqual({
      Value: { 'Fn::Join': ['', ['https://', { Ref: 'ApiGatewayRestApi' }, '.execute-api.${AWS::Region}.amazonaws.com/dev']] },
    });
    const policy = resource(west, 'BucketTopicPolicy')!.Properties.PolicyDocument as { Statement: Record<string, unknown>[] };
    expect(policy.Statement[0]!.Condition).toEqual({ ArnLike: { 'aws:SourceArn': { 'Fn::Sub': 'arn:aws:s3:::fixture-search-us-west-2' } } });
    expect(isIntrinsic(fn(east, 'replicator').environment.TOPIC_ARN)).toBe(true);
  });

  it('returns resources with their attributes normalised', () => {
    expect(east.resources.map((r) => r.logicalId)).toEqual(['Table', 'Bucket', 'BucketTopic', 'BucketTopicPolicy', 'Api5xxAlarm', 'ApiHealthCheck']);
    expect(resource(east, 'Table')).toMatchObject({ Type: 'AWS::DynamoDB::Table', DeletionPolicy: 'Retain' });
    expect(resource(east, 'Bucket')!.DependsOn).toEqual(['BucketTopicPolicy']);
    expect(resource(east, 'BucketTopic')!.Properties).toEqual({});
  });

  it('leaves ${cf:...} as typed references, in events and environment', () => {
    const stream = fn(east, 'listener').events[0] as StreamEvent;
    expect(stream).toEqual({
      type: 'stream',
      source: 'kinesis',
      arn: { kind: 'cf', stack: 'cncb-event-stream-dev', output: 'streamArn' },
      batchSize: 100,
      startingPosition: 'TRIM_HORIZON',
      enabled: true,
    });
    expect(isDeferred(fn(east, 'trigger').environment.STREAM_NAME)).toBe(true);
  });
});

describe('every event form', () => {
  const def = load('every-event', 'us-east-1');
  const events = (key: string) => fn(def, key).events;

  it('http: short and long forms, paths normalised, {param} kept', () => {
    expect(events('api')).toEqual([
      { type: 'http', method: 'GET', path: '/hello' },
      { type: 'http', method: 'POST', path: '/things/{id}' },
      { type: 'http', method: 'ANY', path: '/things/{proxy+}', cors: true },
    ]);
  });

  it('stream: ARN short forms detect the source, long forms keep every setting', () => {
    expect(events('streams')).toEqual([
      {
        type: 'stream',
        source: 'dynamodb',
        arn: 'arn:aws:dynamodb:us-east-1:111111111111:table/things/stream/2024-01-01T00:00:00.000',
        batchSize: 10,
        startingPosition: 'TRIM_HORIZON',
        enabled: true,
      },
      { type: 'stream', source: 'kinesis', arn: 'arn:aws:kinesis:us-east-1:111111111111:stream/events', batchSize: 10, startingPosition: 'TRIM_HORIZON', enabled: true },
      {
        type: 'stream',
        source: 'kinesis',
        arn: { kind: 'cf', stack: 'events-dev', output: 'streamArn', region: 'us-west-2' },
        batchSize: 50,
        startingPosition: 'LATEST',
        enabled: true,
        maximumRetryAttempts: 3,
        bisectBatchOnFunctionError: true,
        functionResponseType: 'ReportBatchItemFailures',
        filterPatterns: [{ data: { type: ['thing-created'] } }],
        onFailure: { 'Fn::GetAtt': ['DeadLetters', 'Arn'] },
      },
      { type: 'stream', source: 'dynamodb', arn: { 'Fn::GetAtt': ['Table', 'StreamArn'] }, batchSize: 10, startingPosition: 'TRIM_HORIZON', enabled: true },
    ]);
  });

  it('sns: topic name, topic ARN, and the long form with a filter policy', () => {
    expect(events('topics')).toEqual([
      { type: 'sns', topicName: 'things-created' },
      { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:111111111111:things-updated', topicName: 'things-updated' },
      { type: 'sns', topicArn: { Ref: 'Topic' }, topicName: 'things-deleted', filterPolicy: { type: ['thing-deleted'] } },
    ]);
  });

  it('s3: bucket name (from the region file) and the long form with rules and existing', () => {
    expect(events('objects')).toEqual([
      { type: 's3', bucket: 'fixture-search-us-east-1', event: 's3:ObjectCreated:*', rules: [], existing: false },
      { type: 's3', bucket: 'uploads-dev', event: 's3:ObjectRemoved:*', rules: [{ prefix: 'things/' }, { suffix: '.json' }], existing: true },
    ]);
  });

  it('schedule: short form, and a list of rates becomes one event each', () => {
    expect(events('timer')).toEqual([
      { type: 'schedule', rate: 'rate(5 minutes)', enabled: true },
      { type: 'schedule', rate: 'cron(0 12 * * ? *)', enabled: false, input: { key: 'value' } },
      { type: 'schedule', rate: 'rate(1 hour)', enabled: false, input: { key: 'value' } },
    ]);
  });

  it('function settings fall back to the provider, then to the framework defaults', () => {
    expect(fn(def, 'api')).toMatchObject({ timeout: 10, memorySize: 256, runtime: 'nodejs20.x' });
    expect(fn(def, 'streams')).toMatchObject({ memorySize: 512, environment: { BUCKET: 'overridden', BATCH: '50' } });
    expect(fn(def, 'api').environment).toEqual({ BUCKET: 'fixture-search-us-east-1' });
  });

  it('finds a .js handler when there is no .ts, with a non-default export', () => {
    expect(fn(def, 'timer')).toMatchObject({ handlerFile: join(service('every-event'), 'handlers', 'timer.js'), handlerExport: 'tick', timeout: 60 });
  });

  it('resolves variables inside Fn::Sub and v3 IAM statements', () => {
    expect(def.provider.iamStatements).toEqual([{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: [{ 'Fn::Sub': 'arn:aws:s3:::fixture-search-us-east-1/*' }] }]);
  });
});
