import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadService, type FunctionDef, type ServiceDefinition } from '../../../orchestrator/service-definition/index.js';

/** services/search/serverless.yml, loaded as both targets load it, for every region of config/. */
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const load = (region: string, stage = 'local') => loadService(serviceDir, { stage, region, env: {} });
const fn = (def: ServiceDefinition, key: string): FunctionDef => {
  const found = def.functions.find((f) => f.key === key);
  if (!found) throw new Error(`no function ${key}`);
  return found;
};
const resource = (def: ServiceDefinition, id: string) => {
  const found = def.resources.find((r) => r.logicalId === id);
  if (!found) throw new Error(`no resource ${id}`);
  return found;
};

describe.each([
  ['us-east-1', 'meridian-search-us-east-1', 'us-west-2', 'meridian-search-us-west-2'],
  ['us-west-2', 'meridian-search-us-west-2', 'us-east-1', 'meridian-search-us-east-1'],
])('services/search in %s', (region, bucket, next, nextBucket) => {
  const def = load(region);

  it('is the search service at the local stage by default, on nodejs22.x', () => {
    expect(def.service).toBe('search');
    expect(def.stackName).toBe('search-local');
    expect(def.provider.runtime).toBe('nodejs22.x');
    expect(def.functions.map((f) => f.key)).toEqual(['listener', 'indexer', 'replicator', 'search', 'view']);
    for (const f of def.functions) expect(f.handlerFile).toBe(join(serviceDir, 'src', 'handlers', `${f.key}.ts`));
  });

  it("names this region's bucket and, for the replicator, the next region's", () => {
    expect(resource(def, 'SearchBucket').Properties.BucketName).toBe(bucket);
    expect(fn(def, 'listener').environment.SEARCH_BUCKET).toBe(bucket);
    expect(fn(def, 'replicator').environment).toMatchObject({ NEXT_REGION: next, NEXT_BUCKET: nextBucket, SEARCH_BUCKET: bucket });
    expect(fn(def, 'replicator').environment.NEXT_BUCKET_OWNER).toBe('111111111111');
    // What AWS gets (config aws.search, the stack's domain); the local cloud sets both variables itself.
    for (const key of ['indexer', 'search']) {
      expect(fn(def, key).environment).toMatchObject({ MERIDIAN_SEARCH_ENGINE: 'opensearch', MERIDIAN_SEARCH_ENDPOINT: { 'Fn::GetAtt': ['SearchDomain', 'DomainEndpoint'] }, SEARCH_INDEX: 'destinations-local' });
    }
  });

  it('keeps a versioned, encrypted, private bucket that notifies the topic of created and removed views', () => {
    const props = resource(def, 'SearchBucket').Properties;
    expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(props.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const filter = { S3Key: { Rules: [{ Name: 'prefix', Value: 'destinations/' }] } };
    expect(props.NotificationConfiguration).toEqual({
      TopicConfigurations: [
        { Event: 's3:ObjectCreated:*', Topic: { Ref: 'ViewsTopic' }, Filter: filter },
        { Event: 's3:ObjectRemoved:*', Topic: { Ref: 'ViewsTopic' }, Filter: filter },
      ],
    });
    expect(resource(def, 'SearchBucket').DependsOn).toEqual(['ViewsTopicPolicy']);
  });

  it('lets only this bucket of this account publish to the topic', () => {
    const statement = (resource(def, 'ViewsTopicPolicy').Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement[0];
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: 'ViewsTopic' },
      Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}` } }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });

  it('subscribes the indexer and the replicator to the topic, triggers the listener from the imported read-model stream', () => {
    for (const key of ['indexer', 'replicator']) {
      expect(fn(def, key).events).toEqual([expect.objectContaining({ type: 'sns', topicArn: { Ref: 'ViewsTopic' }, topicName: 'search-local-views' })]);
    }
    expect(fn(def, 'listener').events).toEqual([expect.objectContaining({
      type: 'stream',
      source: 'dynamodb',
      arn: { 'Fn::ImportValue': 'destinations-local-read-model-stream' },
      startingPosition: 'TRIM_HORIZON',
      functionResponseType: 'ReportBatchItemFailures',
    })]);
    expect(fn(def, 'search').events).toEqual([expect.objectContaining({ type: 'http', method: 'GET', path: '/search' })]);
    expect(fn(def, 'view').events).toEqual([expect.objectContaining({ type: 'http', method: 'GET', path: '/views/destinations/{id}' })]);
  });

  it('grants named actions only, and writes outside this region only into the next bucket', () => {
    const statements = def.provider.iamStatements;
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      for (const action of s.Action ?? []) expect(action).not.toContain('*');
      expect(s.NotAction).toBeUndefined();
    }
    const writes = statements.filter((s) => s.Action?.includes('s3:PutObject'));
    expect(writes.flatMap((s) => s.Resource)).toEqual([
      { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${bucket}/destinations/*` },
      { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${nextBucket}/destinations/*` },
    ]);
  });
});

describe('services/search at another stage', () => {
  it('adds the stage to bucket names (global on AWS), in this region and for the next one alike', () => {
    const def = load('us-east-1', 'dev');
    expect(resource(def, 'SearchBucket').Properties.BucketName).toBe('meridian-search-us-east-1-dev');
    expect(fn(def, 'replicator').environment.NEXT_BUCKET).toBe('meridian-search-us-west-2-dev');
    expect(fn(def, 'listener').events[0]).toMatchObject({ arn: { 'Fn::ImportValue': 'destinations-dev-read-model-stream' } });
  });
});
