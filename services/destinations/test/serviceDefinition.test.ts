import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadService, type ServiceDefinition, type StreamEvent } from '../../../orchestrator/service-definition/index.js';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const REGIONS = ['us-east-1', 'us-west-2'] as const;

describe.each(REGIONS)('serverless.yml loads for %s', (region) => {
  const service: ServiceDefinition = loadService(serviceDir, { stage: 'local', region });
  const fn = (key: string) => service.functions.find((f) => f.key === key)!;
  const resource = (id: string) => service.resources.find((r) => r.logicalId === id)!;

  it('is the destinations service on nodejs22.x with the stage from the command line (local by default)', () => {
    expect(service.service).toBe('destinations');
    expect(service.stackName).toBe('destinations-local');
    expect(service.provider.runtime).toBe('nodejs22.x');
    expect(service.plugins).toEqual(['plugin']);
    const prod = loadService(serviceDir, { stage: 'prod', region }).resources.filter((r) => r.Type !== 'AWS::SQS::Queue');
    expect(prod.map((r) => r.Properties.TableName ?? r.Properties.Name)).toEqual([
      'destinations-prod-events',
      'destinations-prod-read-model',
      'destinations-prod-published',
      'destinations-prod-idempotency',
      'destinations-prod-domain-events',
    ]);
  });

  it('declares both tables global through custom.autoscaling, with streams the trigger and search read', () => {
    const autoscaling = service.custom.autoscaling as { table: string; global: boolean }[];
    expect(autoscaling.map((a) => [a.table, a.global])).toEqual([['EventsTable', true], ['ReadModelTable', true], ['IdempotencyTable', true]]);
    for (const id of ['EventsTable', 'ReadModelTable']) {
      expect(resource(id).Type).toBe('AWS::DynamoDB::Table');
      expect(resource(id).Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    }
    expect(resource('EventsTable').Properties.KeySchema).toEqual([
      { AttributeName: 'partitionKey', KeyType: 'HASH' },
      { AttributeName: 'eventId', KeyType: 'RANGE' },
    ]);
  });

  it('keeps the trigger\'s published ledger in a regional table that expires entries', () => {
    expect(resource('PublishedTable').Properties).toMatchObject({ TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    expect((service.custom.autoscaling as { table: string }[]).map((a) => a.table)).not.toContain('PublishedTable');
  });

  it('keeps idempotency records in a global on-demand table that expires them', () => {
    expect(resource('IdempotencyTable').Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'scope', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    expect(fn('api').environment).toMatchObject({ IDEMPOTENCY_TABLE: 'destinations-local-idempotency' });
  });

  it('has one KMS-encrypted Kinesis stream per region', () => {
    expect(resource('EventStream')).toMatchObject({
      Type: 'AWS::Kinesis::Stream',
      Properties: { Name: 'destinations-local-domain-events', StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' } },
    });
  });

  it('wires the trigger to the event store stream and both consumers to the event stream, resuming from failed records', () => {
    const stream = (key: string) => fn(key).events[0] as StreamEvent;
    expect(stream('trigger')).toMatchObject({ type: 'stream', source: 'dynamodb', arn: { 'Fn::GetAtt': ['EventsTable', 'StreamArn'] } });
    for (const key of ['locationValidator', 'readModel']) {
      expect(stream(key)).toMatchObject({ type: 'stream', source: 'kinesis', arn: { 'Fn::GetAtt': ['EventStream', 'Arn'] } });
    }
    expect(fn('readModelConvergence').events.map((e) => (e as StreamEvent).arn)).toEqual([
      { 'Fn::GetAtt': ['EventsTable', 'StreamArn'] },
      { 'Fn::GetAtt': ['ReadModelTable', 'StreamArn'] },
    ]);
    for (const f of service.functions.filter((x) => x.key !== 'api')) {
      for (const e of f.events) {
        expect(e).toMatchObject({ type: 'stream', functionResponseType: 'ReportBatchItemFailures', startingPosition: 'TRIM_HORIZON', maximumRetryAttempts: 10000 });
      }
    }
  });

  it('routes the four HTTP operations to the API', () => {
    expect(fn('api').events.map((e) => (e.type === 'http' ? `${e.method} ${e.path}` : e.type))).toEqual([
      'POST /destinations',
      'PUT /destinations/{id}',
      'DELETE /destinations/{id}',
      'GET /destinations/{id}',
    ]);
  });

  it('gives every handler the variables it requires, as plain names', () => {
    for (const f of service.functions) {
      expect(f.handlerFile).toMatch(/services\/destinations\/src\/handlers\/\w+\.ts$/);
      expect(f.environment).toMatchObject({
        EVENTS_TABLE: 'destinations-local-events',
        READ_MODEL_TABLE: 'destinations-local-read-model',
        STREAM_NAME: 'destinations-local-domain-events',
        PUBLISHED_TABLE: 'destinations-local-published',
      });
    }
  });

  it('grants named actions on named resources only', () => {
    const statements = service.provider.iamStatements;
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      for (const action of s.Action ?? []) expect(action).toMatch(/^(dynamodb|kinesis):[A-Z][A-Za-z]+$/);
      for (const r of s.Resource ?? []) expect(r).not.toBe('*');
    }
    const actions = statements.flatMap((s) => s.Action ?? []);
    expect(actions).not.toContain('dynamodb:DeleteItem');
    expect(actions).not.toContain('dynamodb:UpdateItem');
  });

  it('exports the read model table name and stream ARN for the search service', () => {
    expect(service.outputs.ReadModelTableName).toMatchObject({ Value: 'destinations-local-read-model', Export: { Name: 'destinations-local-read-model-table' } });
    expect(service.outputs.ReadModelStreamArn).toMatchObject({
      Value: { 'Fn::GetAtt': ['ReadModelTable', 'StreamArn'] },
      Export: { Name: 'destinations-local-read-model-stream' },
    });
  });
});
