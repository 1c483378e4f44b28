import { describe, expect, it } from 'vitest';
import { InsecureTemplateError, PluginConfigError } from '../errors.js';
import type { CfResource, CfTemplate } from '../template/cfTemplate.js';
import { applyMeridian, type TemplateScope } from '../template/meridianTemplate.js';
import { apiTemplate, resourcesOf } from './support/templates.js';

/**
 * The passes that make a packaged template work on AWS, not only validate: retention, encryption of topics
 * and queues, named resources in every Allow, dead letters for every asynchronous consumer, search endpoints.
 * Each runs over the whole compiled template, as osls hands it to Meridian's plugin.
 */
const REGIONS = ['us-east-1', 'us-west-2'];
const scope = (region = 'us-east-1'): TemplateScope => ({ file: '/services/svc/serverless.yml', service: 'svc', stage: 'dev', region, stackName: 'svc-dev', regions: REGIONS, routes: [] });
const apply = (t: CfTemplate, custom: Record<string, unknown> = {}, region = 'us-east-1') => applyMeridian(t, custom, scope(region));

const fn = (id: string, env: Record<string, unknown> = {}): CfResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: { FunctionName: `svc-dev-${id}`, Handler: 'src/x.handler', Runtime: 'nodejs22.x', Environment: { Variables: env } },
});
const queue = (): CfResource => ({ Type: 'AWS::SQS::Queue', Properties: {} });
const streamMapping = (props: Record<string, unknown> = {}): CfResource => ({
  Type: 'AWS::Lambda::EventSourceMapping',
  Properties: {
    EventSourceArn: { 'Fn::GetAtt': ['Things', 'StreamArn'] },
    FunctionName: { 'Fn::GetAtt': ['TriggerLambdaFunction', 'Arn'] },
    StartingPosition: 'TRIM_HORIZON',
    MaximumRecordAgeInSeconds: 21600,
    DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['TriggerDeadLetters', 'Arn'] } } },
    ...props,
  },
});
/** An S3-notified topic and a function subscribed to it, with its dead letters, as osls compiles them. */
function snsConsumer(subscription: Record<string, unknown> = {}, invokeConfig = true): Record<string, CfResource> {
  return {
    Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'svc-dev-views' } },
    TopicPolicy: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [{ Ref: 'Topic' }],
        PolicyDocument: {
          Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sns:Publish', Resource: { Ref: 'Topic' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } }],
        },
      },
    },
    IndexerLambdaFunction: fn('indexer'),
    IndexerDeadLetters: queue(),
    IndexerSnsSubscriptionViews: {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: { Ref: 'Topic' },
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': ['IndexerLambdaFunction', 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['IndexerDeadLetters', 'Arn'] } },
        ...subscription,
      },
    },
    ...(invokeConfig
      ? {
          IndexerLambdaEvConf: {
            Type: 'AWS::Lambda::EventInvokeConfig',
            Properties: { FunctionName: { Ref: 'IndexerLambdaFunction' }, Qualifier: '$LATEST', DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['IndexerDeadLetters', 'Arn'] } } } },
          },
        }
      : {}),
  };
}

describe('nothing is dropped silently: every asynchronous consumer has somewhere to put what it cannot process', () => {
  it('accepts stream mappings with an on-failure destination and a maximum record age, and SNS consumers with redrive and an on-failure destination', () => {
    const t = apiTemplate({ TriggerLambdaFunction: fn('trigger'), TriggerDeadLetters: queue(), T: streamMapping(), ...snsConsumer() });
    expect(() => apply(t)).not.toThrow();
  });

  it.each([
    ['no on-failure destination', { DestinationConfig: undefined }, /functions\.trigger \(stream mapping T\): has no on-failure destination, so a batch .* dropped without a trace/],
    ['no maximum record age', { MaximumRecordAgeInSeconds: undefined }, /has no maximum record age.*maximumRecordAgeInSeconds: 21600/s],
    ['an unlimited record age', { MaximumRecordAgeInSeconds: -1 }, /has no maximum record age/],
  ])('refuses a stream mapping with %s, saying what to add', (_, props, message) => {
    const t = apiTemplate({ TriggerLambdaFunction: fn('trigger'), TriggerDeadLetters: queue(), T: streamMapping(props) });
    expect(() => apply(t)).toThrow(PluginConfigError);
    expect(() => apply(structuredClone(t))).toThrow(message);
  });

  it('leaves SQS mappings alone (a queue has its own redrive policy)', () => {
    const t = apiTemplate({ TriggerLambdaFunction: fn('trigger'), Q: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: 'arn:aws:sqs:us-east-1:1:q', FunctionName: 'f' } } });
    expect(() => apply(t)).not.toThrow();
  });

  it('refuses an SNS subscription without a redrive policy, an inline subscription, and an SNS-invoked function without an on-failure destination', () => {
    expect(() => apply(apiTemplate(snsConsumer({ RedrivePolicy: undefined })))).toThrow(/functions\.indexer \(SNS subscription IndexerSnsSubscriptionViews\): has no redrive policy.*deadLetterTargetRef/s);
    const inline = snsConsumer();
    delete inline.IndexerSnsSubscriptionViews;
    inline.Topic!.Properties!.Subscription = [{ Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': ['IndexerLambdaFunction', 'Arn'] } }];
    expect(() => apply(apiTemplate(inline))).toThrow(/functions\.indexer \(topic Topic\): is subscribed inline, where SNS allows no redrive policy/);
    expect(() => apply(apiTemplate(snsConsumer({}, false)))).toThrow(/functions\.indexer: is invoked by SNS \(asynchronously\) and has no on-failure destination.*destinations:\n\s+onFailure/s);
  });
});

describe('encrypted topics and queues', () => {
  it('gives a topic only code publishes to the AWS managed key, and one S3 publishes to a stack key S3 may use', () => {
    const t = apiTemplate({ Plain: { Type: 'AWS::SNS::Topic' }, ...snsConsumer() });
    apply(t);
    expect(t.Resources.Plain!.Properties!.KmsMasterKeyId).toBe('alias/aws/sns');
    expect(t.Resources.Topic!.Properties!.KmsMasterKeyId).toEqual({ Ref: 'MeridianTopicKey' });
    const key = t.Resources.MeridianTopicKey!;
    expect(key).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    const statements = (key.Properties!.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements[1]).toEqual({
      Sid: 's3PublishesTopic',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    // The account administers the key (and can delete it with the stack) but cannot decrypt with it.
    expect(statements[0]!.Action).toContain('kms:PutKeyPolicy');
    expect(statements[0]!.Action).not.toContain('kms:Decrypt');
  });

  it('keeps a topic\'s own key; encrypts queues with SSE-SQS, refusing one turned off', () => {
    const t = apiTemplate({ Own: { Type: 'AWS::SNS::Topic', Properties: { KmsMasterKeyId: 'alias/mine' } }, Q: queue() });
    apply(t);
    expect(t.Resources.Own!.Properties!.KmsMasterKeyId).toBe('alias/mine');
    expect(t.Resources.Q!.Properties).toEqual({ SqsManagedSseEnabled: true });
    expect(() => apply(apiTemplate({ Q: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: false } } }))).toThrow(/SqsManagedSseEnabled false leaves the queue unencrypted/);
  });
});

describe('IAM: Allow statements name their resources', () => {
  const role = (statement: Record<string, unknown>): Record<string, CfResource> => ({
    R: { Type: 'AWS::IAM::Role', Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [statement] } }] } },
  });

  it.each([
    ['Resource "*"', { Effect: 'Allow', Action: ['kinesis:PutRecords'], Resource: '*' }, /allows kinesis:PutRecords on every resource \("\*"\); name the resources by ARN/],
    ['"*" among others', { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::b/*', '*'] }, /every resource/],
    ['NotResource', { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::b/*' }, /every resource but NotResource/],
  ])('refuses %s on an Allow', (_, statement, message) => {
    expect(() => apply(apiTemplate(role(statement)))).toThrow(InsecureTemplateError);
    expect(() => apply(apiTemplate(role(statement)))).toThrow(message);
  });

  it('lets a Deny say "*", and a KMS key policy (where "*" means the key itself)', () => {
    expect(() => apply(apiTemplate(role({ Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' })))).not.toThrow();
    const key = { K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: ['kms:Decrypt'], Resource: '*' }] } } } };
    expect(() => apply(apiTemplate(key))).not.toThrow();
    // ... but a key policy still names its actions.
    const broad = { K: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'kms:*', Resource: '*' }] } } } };
    expect(() => apply(apiTemplate(broad))).toThrow(/allows "kms:\*"/);
  });
});

describe('retention', () => {
  it('gives every log group a retention and keeps what is kept on delete on replacement too', () => {
    const t = apiTemplate({
      L: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/x' } },
      Own: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } },
      Kept: { Type: 'AWS::SQS::Queue', DeletionPolicy: 'Retain' },
      Snap: { Type: 'AWS::SQS::Queue', DeletionPolicy: 'RetainExceptOnCreate' },
      Own2: { Type: 'AWS::SQS::Queue', DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Delete' },
    });
    apply(t);
    expect(t.Resources.L!.Properties!.RetentionInDays).toBe(30);
    expect(t.Resources.Own!.Properties!.RetentionInDays).toBe(7);
    expect(t.Resources.Kept!.UpdateReplacePolicy).toBe('Retain');
    expect(t.Resources.Snap!.UpdateReplacePolicy).toBe('Retain');
    expect(t.Resources.Own2!.UpdateReplacePolicy).toBe('Delete');
  });
});

describe('global table replicas: point-in-time recovery and deletion protection', () => {
  const things = (props: Record<string, unknown> = {}): CfResource => ({
    Type: 'AWS::DynamoDB::Table',
    Properties: {
      TableName: 'dev-svc-things',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...props,
    },
  });

  it('turns both on in every replica unless the table says otherwise', () => {
    const t = apiTemplate({ Things: things() });
    apply(t, { autoscaling: [{ table: 'Things', global: true }] });
    for (const replica of t.Resources.Things!.Properties!.Replicas as Record<string, unknown>[]) {
      expect(replica).toMatchObject({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true });
    }
    const dev = apiTemplate({ Things: things({ DeletionProtectionEnabled: false }) });
    apply(dev, { autoscaling: [{ table: 'Things', global: true }] });
    expect((dev.Resources.Things!.Properties!.Replicas as Record<string, unknown>[]).map((r) => r.DeletionProtectionEnabled)).toEqual([false, false]);
  });

  it('refuses a hand-written GlobalTable without its key (the current schema allows it; creating the table needs it)', () => {
    const t = apiTemplate({ G: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { BillingMode: 'PAY_PER_REQUEST', Replicas: [{ Region: 'us-east-1' }] } } });
    expect(() => apply(t)).toThrow(/resources\.G\.Properties\.KeySchema: is required/);
  });
});

describe('search on AWS: a function given a search engine can reach one', () => {
  const search = (env: Record<string, unknown>) => apiTemplate({ SearchLambdaFunction: fn('search', env) });

  it('accepts an OpenSearch engine at an endpoint the template gives', () => {
    expect(() => apply(search({ MERIDIAN_SEARCH_ENGINE: 'opensearch', MERIDIAN_SEARCH_ENDPOINT: { 'Fn::GetAtt': ['SearchDomain', 'DomainEndpoint'] } }))).not.toThrow();
  });

  it.each([
    ['no engine (config has no aws.search)', { MERIDIAN_SEARCH_ENGINE: '', MERIDIAN_SEARCH_ENDPOINT: 'x' }, /function svc-dev-search: MERIDIAN_SEARCH_ENGINE: is "", .*Set aws\.search\.engine: opensearch in config\/us-west-2\.yml/],
    ['the local engine', { MERIDIAN_SEARCH_ENGINE: 'local', MERIDIAN_SEARCH_ENDPOINT: 'x' }, /is "local", which is no engine on AWS/],
    ['an empty endpoint', { MERIDIAN_SEARCH_ENGINE: 'opensearch', MERIDIAN_SEARCH_ENDPOINT: '' }, /MERIDIAN_SEARCH_ENDPOINT: would be empty in us-west-2.*!GetAtt SearchDomain\.DomainEndpoint/],
    ['no endpoint', { MERIDIAN_SEARCH_ENGINE: 'opensearch' }, /MERIDIAN_SEARCH_ENDPOINT: would be empty/],
  ])('refuses %s, saying what to set', (_, env, message) => {
    expect(() => apply(search(env), {}, 'us-west-2')).toThrow(PluginConfigError);
    expect(() => apply(search(env), {}, 'us-west-2')).toThrow(message);
  });

  it('leaves functions without search settings alone', () => {
    const t = apiTemplate({ ApiLambdaFunction: fn('api', { TABLE: 't' }) });
    expect(() => apply(t)).not.toThrow();
    expect(resourcesOf(t, 'AWS::Lambda::Function')).toHaveLength(1);
  });
});
