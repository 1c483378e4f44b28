import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../regions/config.js';
import { loadService } from '../../service-definition/index.js';
import { discoverServiceDirs, packageServices, type PackageResult, type ServicePackage } from '../index.js';
import { frontDoorPlatformDir, serviceKey, systemServiceDirs } from '../package/serviceDirs.js';
import { ALL_VIEWER_EXCEPT_HOST } from '../template/platformFrontDoor.js';
import { healthCheckExport } from '../template/frontDoorNames.js';
import type { CfResource, CfTemplate } from '../template/cfTemplate.js';
import { isFromRegion, originOf, type OriginRecord } from '../../../replication/global-tables/originFilter.js';
import { cfnLintVersion, formatFinding, lintFiles, lintTemplate } from './support/cfnLint.js';
import { passesFilters } from './support/eventFilter.js';
import { readZip } from './support/readZip.js';
import { fixtureConfig, fixtureService, policyStatements, readTemplate, resourcesOf } from './support/templates.js';

/**
 * Packages, with no AWS credentials, every service of the repository (whatever services/ holds today) and
 * Meridian's plugin fixtures (the 2018 plugins' service, one using every feature, one importing) for both regions, then
 * checks the templates a user would deploy: valid CloudFormation, the front door, global tables, security.
 */
const STAGE = 'test';
const FIXTURES = [fixtureService('global-things'), fixtureService('every-feature'), fixtureService('things-reader')];
/** The system behind the front door: the repository's services and the regional health service (a stand-in until regions/health exists). */
const SYSTEM = [...systemServiceDirs(), ...(systemServiceDirs().some((d) => d.endsWith(`${sep}regions${sep}health`)) ? [] : [fixtureService('health')])];
const ALL = [...SYSTEM, frontDoorPlatformDir, ...FIXTURES];
const HOME = 'us-east-1';
const OTHER = 'us-west-2';

let result: PackageResult;
const templates = new Map<ServicePackage, CfTemplate>();
const lines: string[] = [];

function pkg(service: string, region: string): ServicePackage {
  const found = result.packages.find((p) => p.service === service && p.region === region);
  if (!found) throw new Error(`${service} was not packaged for ${region}`);
  return found;
}
const template = (service: string, region: string) => templates.get(pkg(service, region))!;

beforeAll(async () => {
  const credentialsGone = { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' };
  const saved = { ...process.env };
  Object.assign(process.env, credentialsGone);
  try {
    result = await packageServices({ stage: STAGE, serviceDirs: ALL, log: (l) => lines.push(l) });
  } finally {
    for (const key of Object.keys(credentialsGone)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
  for (const p of result.packages) templates.set(p, readTemplate(p.template));
  console.log(`packaged ${result.packages.length} stacks (${result.packages.map((p) => `${p.service}@${p.region}`).join(', ')}) in ${(result.ms / 1000).toFixed(1)} s`);
}, 300_000);

describe('meridian package: every service, both regions, no credentials', () => {
  it('writes each (service, region) to <state dir>/package/<stage>/<region>/<service>/, with progress per service', () => {
    const config = loadConfig();
    expect(result.packages).toHaveLength(ALL.length * 2);
    for (const p of result.packages) {
      expect(p.dir).toBe(join(config.stateDir, 'package', STAGE, p.region, p.service));
      expect(existsSync(p.template)).toBe(true);
      expect(lines).toContain(`[${p.region}] ${p.service}: packaging`);
    }
    // Time is reported by the log line above, not asserted: the machine is shared and noisy.
  });

  it(`AWS's cfn-lint (Python) finds no error and no warning in any template`, () => {
    const problems: string[] = [];
    for (const region of [HOME, OTHER]) {
      const here = result.packages.filter((p) => p.region === region);
      const findings = lintFiles(here.map((p) => p.template), region);
      for (const f of findings) problems.push(`${here.find((p) => p.template === f.file)?.service ?? f.file}@${region}: ${formatFinding(f)}`);
    }
    expect(problems).toEqual([]);
  });

  it('the linter does fail: each mistake the npm validator caught, and more, is reported', () => {
    // What the npm cfn-lint (1.9.7 with a 2023 specification) reported before it was dropped, then what only this one reports.
    const mistakes: [string, string, (t: CfTemplate) => void][] = [
      ['a misspelt property', 'E3002', (t) => void (t.Resources.Bucket!.Properties!.BucketNmae = 'typo')],
      ['a property of the wrong type', 'E3012', (t) => void (t.Resources.TriggerEventSourceMappingDynamodbTable!.Properties!.BatchSize = 'lots')],
      ['a GetAtt of a missing resource', 'E1010', (t) => void (t.Resources.TriggerEventSourceMappingDynamodbTable!.Properties!.EventSourceArn = { 'Fn::GetAtt': ['Nope', 'StreamArn'] })],
      ['a missing attribute', 'E1010', (t) => void (t.Resources.TriggerEventSourceMappingDynamodbTable!.Properties!.EventSourceArn = { 'Fn::GetAtt': ['Table', 'Nope'] })],
      ['a Ref of a missing resource', 'E1020', (t) => void (t.Resources.BucketTopicPolicy!.Properties!.Topics = [{ Ref: 'Nope' }])],
      ['text where an ARN belongs', 'E3031', (t) => void (t.Resources.TriggerEventSourceMappingDynamodbTable!.Properties!.EventSourceArn = 'not-an-arn')],
      ['a circular dependency', 'E3004', (t) => void (t.Resources.BucketTopic!.DependsOn = 'Bucket')],
      ['a DependsOn of a missing resource', 'E3005', (t) => void (t.Resources.Bucket!.DependsOn = 'Nope')],
      ['a retired runtime', 'E2533', (t) => void (t.Resources.CheckLambdaFunction!.Properties!.Runtime = 'nodejs8.10')],
      ['a number out of range', 'E3034', (t) => void (t.Resources.TriggerEventSourceMappingDynamodbTable!.Properties!.BatchSize = 1_000_000)],
      ['${AWS::Region} outside Fn::Sub', 'E1029', (t) => void (t.Outputs!.Where = { Value: { 'Fn::Join': ['', ['in ${AWS::Region}']] } })],
      ['a DeletionPolicy without UpdateReplacePolicy', 'W3011', (t) => void delete t.Resources.Table!.UpdateReplacePolicy],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'meridian-lint-mistakes-'));
    const files = mistakes.map(([, , mistake], i) => {
      const t = structuredClone(template('global-things', HOME));
      mistake(t);
      const file = join(dir, `${i}.json`);
      writeFileSync(file, JSON.stringify(t, null, 1));
      return file;
    });
    const findings = lintFiles(files, HOME);
    const reported = mistakes.map(([what, rule], i) => `${what}: ${findings.some((f) => f.file === files[i] && f.rule === rule) ? rule : `no ${rule} in ${JSON.stringify(findings.filter((f) => f.file === files[i]).map((f) => f.rule))}`}`);
    expect(reported).toEqual(mistakes.map(([what, rule]) => `${what}: ${rule}`));
    // A mistake in memory is written out and linted the same way.
    const t = structuredClone(template('every-feature', HOME));
    t.Resources.SiteBucket!.Properties = { ...t.Resources.SiteBucket!.Properties, BucketNmae: 'typo' };
    expect(lintTemplate(t, HOME).map((f) => `${f.rule} ${f.path}`)).toEqual(['E3002 Resources/SiteBucket/Properties/BucketNmae']);
  });

  it('says how to install cfn-lint when it is missing', () => {
    expect(cfnLintVersion()).toMatch(/^1\./);
    expect(() => cfnLintVersion('cfn-lint-not-installed-here')).toThrow(/not installed.*pip install cfn-lint==1\.51\.0.*\.ci\/run installs it/);
  });

  it('CloudFront only in us-east-1', () => {
    for (const [p, t] of templates) {
      if (p.region !== HOME) expect(resourcesOf(t, 'AWS::CloudFront::Distribution'), `${p.service}@${p.region}`).toEqual([]);
    }
    for (const fixture of ['global-things', 'every-feature']) expect(resourcesOf(template(fixture, HOME), 'AWS::CloudFront::Distribution')).toHaveLength(1);
  });

  it('a latency record with a health check in each region, for every service with custom.dns', () => {
    for (const [p, t] of templates) {
      const record = t.Resources.ApiRegionalEndpointRecord;
      if (!record) continue;
      expect(record.Properties, `${p.service}@${p.region}`).toMatchObject({ Type: 'A', Region: p.region, SetIdentifier: p.region, HealthCheckId: expect.anything() });
    }
    for (const fixture of ['global-things', 'every-feature']) {
      for (const region of [HOME, OTHER]) expect(template(fixture, region).Resources.ApiRegionalEndpointRecord, `${fixture}@${region}`).toBeDefined();
    }
  });

  it('a global table with replicas in both regions wherever a table is marked global, created by the home region only', () => {
    for (const dir of [...discoverServiceDirs(), ...FIXTURES]) {
      const definition = loadService(dir, { stage: STAGE, region: HOME });
      const autoscaling = Array.isArray(definition.custom.autoscaling) ? (definition.custom.autoscaling as { table: string; global?: boolean }[]) : [];
      const marked = [
        ...autoscaling.filter((a) => a.global === true).map((a) => a.table),
        ...definition.resources.filter((r) => r.Type === 'AWS::DynamoDB::GlobalTable').map((r) => r.logicalId),
      ];
      const service = dir.split('/').pop()!;
      for (const id of marked) {
        const home = template(service, HOME).Resources[id];
        expect(home?.Type, `${service}: ${id}`).toBe('AWS::DynamoDB::GlobalTable');
        expect((home!.Properties!.Replicas as { Region: string }[]).map((r) => r.Region).sort()).toEqual([HOME, OTHER]);
        expect(home!.Properties!.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
        expect(template(service, OTHER).Resources[id], `${service}@${OTHER}: ${id} must not be created twice`).toBeUndefined();
      }
    }
    for (const [p, t] of templates) if (p.region !== HOME) expect(resourcesOf(t, 'AWS::DynamoDB::GlobalTable')).toEqual([]);
  });

  it('no public-read ACL anywhere; every bucket blocks public access, is encrypted and refuses TLS below 1.2', () => {
    for (const [p, t] of templates) {
      expect(JSON.stringify(t), `${p.service}@${p.region}`).not.toMatch(/public-?read/i);
      for (const [id, bucket] of resourcesOf(t, 'AWS::S3::Bucket')) {
        const policy = JSON.stringify(resourcesOf(t, 'AWS::S3::BucketPolicy').filter(([, r]) => JSON.stringify(r.Properties!.Bucket) === JSON.stringify({ Ref: id })));
        expect(policy, `${p.service}@${p.region} ${id}`).toContain('aws:SecureTransport');
        expect(policy, `${p.service}@${p.region} ${id}`).toContain('s3:TlsVersion');
        expect(bucket.Properties, `${p.service}@${p.region} ${id}`).toMatchObject({
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: expect.stringMatching(/AES256|aws:kms/) } }] },
        });
      }
    }
  });

  it('IAM statements name actions, never *', () => {
    for (const [p, t] of templates) {
      for (const { where, statement } of policyStatements(t)) {
        if (statement.Effect !== 'Allow') continue;
        const actions = ([] as unknown[]).concat(statement.Action ?? []);
        expect(actions.length, `${p.service}@${p.region} ${where}`).toBeGreaterThan(0);
        for (const action of actions) expect(action, `${p.service}@${p.region} ${where}`).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      }
    }
  });

  it('every function runs on a current Node.js runtime, from an esbuild bundle osls did not re-zip', () => {
    for (const [p, t] of templates) {
      for (const [id, fn] of resourcesOf(t, 'AWS::Lambda::Function')) {
        expect(fn.Properties!.Runtime, `${p.service}@${p.region} ${id}`).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      }
    }
  });
});

describe('what AWS needs of the packaged templates (issue 10)', () => {
  const all = () => [...templates].map(([p, t]) => ({ at: `${p.service}@${p.region}`, p, t }));
  const props = (r: CfResource | undefined) => r?.Properties ?? {};
  const env = (t: CfTemplate, id: string) => (props(t.Resources[id]).Environment as { Variables: Record<string, unknown> }).Variables;

  it('an OpenSearch Service domain per region, encrypted at rest and between nodes, HTTPS only (TLS 1.2+), open to the functions\' role only', () => {
    for (const region of [HOME, OTHER]) {
      const t = template('search', region);
      const domains = resourcesOf(t, 'AWS::OpenSearchService::Domain');
      expect(domains.map(([id]) => id), region).toEqual(['SearchDomain']);
      expect(domains[0]![1].Properties).toMatchObject({
        DomainName: `search-${STAGE}`,
        EncryptionAtRestOptions: { Enabled: true },
        NodeToNodeEncryptionOptions: { Enabled: true },
        DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: expect.stringMatching(/^Policy-Min-TLS-1-2/) },
        AccessPolicies: { Statement: [{ Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] } } }] },
      });
      // The index's ARNs, in the domain's policy and in the role's: the same, and nothing wider.
      const domainResources = JSON.stringify((domains[0]![1].Properties!.AccessPolicies as { Statement: { Resource: unknown }[] }).Statement[0]!.Resource);
      expect(domainResources).toContain(`domain/search-${STAGE}/destinations-${STAGE}`);
      const role = policyStatements(t).filter((x) => x.where === 'IamRoleLambdaExecution' && JSON.stringify(x.statement.Action).includes('es:'));
      expect(role.map((x) => JSON.stringify(x.statement.Resource))).toEqual([domainResources]);
    }
  });

  it('packaging refuses a region whose config gives the search functions no engine on AWS, naming the key to set', async () => {
    // The fixture config has no aws: block (the local cloud needs none).
    const error = await packageServices({ stage: STAGE, regions: [OTHER], serviceDirs: discoverServiceDirs().filter((d) => d.endsWith('/search')), configDir: fixtureConfig, outDir: mkdtempSync(join(tmpdir(), 'meridian-pkg-')) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/MERIDIAN_SEARCH_ENGINE: is "", which is no engine on AWS\. Set aws\.search\.engine: opensearch in config\/us-west-2\.yml/);
  }, 120_000);

  it('the search functions get the domain\'s endpoint from the template and the engine from config/<region>.yml aws.search', () => {
    for (const region of [HOME, OTHER]) {
      const t = template('search', region);
      for (const id of ['IndexerLambdaFunction', 'SearchLambdaFunction']) {
        expect(env(t, id), `${region} ${id}`).toMatchObject({ MERIDIAN_SEARCH_ENGINE: 'opensearch', MERIDIAN_SEARCH_ENDPOINT: { 'Fn::GetAtt': ['SearchDomain', 'DomainEndpoint'] } });
      }
    }
  });

  it('every stream mapping has an encrypted SQS dead-letter queue and a maximum record age below the stream\'s 24 hours', () => {
    let mappings = 0;
    for (const { at, t } of all()) {
      for (const [id, m] of resourcesOf(t, 'AWS::Lambda::EventSourceMapping')) {
        mappings++;
        const destination = (props(m).DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
        const queueId = (destination as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0];
        expect(t.Resources[queueId ?? '']?.Type, `${at} ${id}`).toBe('AWS::SQS::Queue');
        expect(props(t.Resources[queueId!]).SqsManagedSseEnabled, `${at} ${queueId}`).toBe(true);
        expect(props(m).MaximumRecordAgeInSeconds, `${at} ${id}`).toBeGreaterThan(0);
        expect(props(m).MaximumRecordAgeInSeconds, `${at} ${id}`).toBeLessThan(24 * 3600);
        // The role may send there (osls adds it with the destination).
        const sends = policyStatements(t).filter((x) => ([] as unknown[]).concat(x.statement.Action).includes('sqs:SendMessage'));
        expect(JSON.stringify(sends.map((x) => x.statement.Resource)), `${at} ${id}`).toContain(JSON.stringify(destination));
      }
    }
    expect(mappings).toBeGreaterThanOrEqual(2 * 5 + 2 * 1);
  });

  it('every SNS subscription of a function has a redrive policy to an SQS queue the topic may send to, and the function an on-failure destination', () => {
    let subscriptions = 0;
    for (const { at, t } of all()) {
      for (const [, topic] of resourcesOf(t, 'AWS::SNS::Topic')) expect(props(topic).Subscription, at).toBeUndefined();
      for (const [id, s] of resourcesOf(t, 'AWS::SNS::Subscription')) {
        subscriptions++;
        const queueId = (props(s).RedrivePolicy as { deadLetterTargetArn: { 'Fn::GetAtt': string[] } }).deadLetterTargetArn['Fn::GetAtt'][0]!;
        expect(t.Resources[queueId]?.Type, `${at} ${id}`).toBe('AWS::SQS::Queue');
        const queuePolicy = resourcesOf(t, 'AWS::SQS::QueuePolicy').find(([, q]) => JSON.stringify(props(q).Queues) === JSON.stringify([{ Ref: queueId }]));
        expect(queuePolicy, `${at}: a policy on ${queueId}`).toBeDefined();
        expect((props(queuePolicy![1]).PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
          expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': props(s).TopicArn } } }),
        ]);
        const fnId = (props(s).Endpoint as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
        const invoke = resourcesOf(t, 'AWS::Lambda::EventInvokeConfig').find(([, c]) => JSON.stringify(props(c).FunctionName) === JSON.stringify({ Ref: fnId }));
        expect(invoke?.[1].Properties, `${at} ${fnId}`).toMatchObject({ DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } } } });
      }
    }
    expect(subscriptions).toBeGreaterThanOrEqual(2 * 2 + 2 * 1);
    // The search service's consumers: Lambda's two retries, then the queue (no longer than Lambda's 6 hours for an event it could not start).
    for (const id of ['IndexerLambdaEvConf', 'ReplicatorLambdaEvConf']) {
      expect(template('search', OTHER).Resources[id]?.Properties).toMatchObject({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
    }
  });

  it('point-in-time recovery and deletion protection on every replica of every global table', () => {
    let replicas = 0;
    for (const { at, t } of all()) {
      for (const [id, table] of resourcesOf(t, 'AWS::DynamoDB::GlobalTable')) {
        for (const replica of props(table).Replicas as Record<string, unknown>[]) {
          replicas++;
          expect(replica, `${at} ${id} ${String(replica.Region)}`).toMatchObject({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true });
        }
      }
    }
    expect(replicas).toBeGreaterThanOrEqual(2 * 2);
  });

  it('a retention on every log group', () => {
    for (const { at, t } of all()) {
      for (const [id, group] of resourcesOf(t, 'AWS::Logs::LogGroup')) expect(props(group).RetentionInDays, `${at} ${id}`).toEqual(expect.any(Number));
    }
    expect(props(template('destinations', HOME).Resources.TriggerLogGroup).RetentionInDays).toBe(30);
  });

  it('every topic encrypted; a topic S3 publishes to with a key S3 may use', () => {
    for (const { at, t } of all()) {
      for (const [id, topic] of resourcesOf(t, 'AWS::SNS::Topic')) expect(props(topic).KmsMasterKeyId, `${at} ${id}`).toBeDefined();
    }
    for (const region of [HOME, OTHER]) {
      const t = template('search', region);
      expect(props(t.Resources.ViewsTopic).KmsMasterKeyId).toEqual({ Ref: 'MeridianTopicKey' });
      const statements = (props(t.Resources.MeridianTopicKey).KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Principal: { Service: 's3.amazonaws.com' }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }));
    }
  });

  it('the trigger may PutRecords (what its code calls) on this region\'s event stream, and not PutRecord', () => {
    const code = readZip(readFileSync(join(pkg('destinations', HOME).dir, 'trigger.zip')))[0]!.text;
    expect(code).toContain('PutRecordsCommand');
    for (const region of [HOME, OTHER]) {
      const statements = policyStatements(template('destinations', region)).map((x) => x.statement);
      const puts = statements.filter((s) => ([] as unknown[]).concat(s.Action).includes('kinesis:PutRecords'));
      expect(puts.map((s) => s.Resource), region).toEqual([[{ 'Fn::GetAtt': ['EventStream', 'Arn'] }]]);
      expect(statements.flatMap((s) => ([] as unknown[]).concat(s.Action)), region).not.toContain('kinesis:PutRecord');
    }
  });

  it('no Allow on Resource "*" but in KMS key policies (where "*" is the key itself), and no hard-coded arn:aws partition', () => {
    for (const { at, t } of all()) {
      for (const [id, r] of Object.entries(t.Resources)) {
        const docs = [...(Array.isArray(props(r).Policies) ? (props(r).Policies as { PolicyDocument: unknown }[]).map((x) => x.PolicyDocument) : []), props(r).PolicyDocument, props(r).AccessPolicies];
        if (r.Type === 'AWS::KMS::Key') continue;
        for (const doc of docs.filter(Boolean)) {
          const statements = ([] as Record<string, unknown>[]).concat((doc as { Statement: Record<string, unknown>[] }).Statement);
          for (const s of statements.filter((x) => x.Effect === 'Allow')) {
            expect(([] as unknown[]).concat(s.Resource), `${at} ${id}`).not.toContain('*');
            expect(s.NotResource, `${at} ${id}`).toBeUndefined();
            expect(JSON.stringify(s.Resource ?? ''), `${at} ${id}`).not.toMatch(/"arn:aws:/);
          }
        }
      }
    }
  });

  it('the round-robin replicator writes to the next region\'s bucket expecting the owner config/ names', () => {
    const config = loadConfig();
    for (const region of [HOME, OTHER]) {
      const next = config.regions.find((r) => r.region === config.regions.find((x) => x.region === region)!.next)!;
      expect(env(template('search', region), 'ReplicatorLambdaFunction').NEXT_BUCKET_OWNER).toBe(next.accountId);
    }
  });

  describe('the origin filter: only this region\'s writes invoke the trigger and the listener on AWS', () => {
    const image = (origin?: string, legacy?: string) => ({
      id: { S: 'd1' },
      ...(origin ? { 'meridian:origin': { S: origin } } : {}),
      ...(legacy ? { 'aws:rep:updateregion': { S: legacy } } : {}),
    });
    const records = (here: string, there: string): [string, OriginRecord][] => [
      ['an insert written here', { eventName: 'INSERT', dynamodb: { NewImage: image(here) } }],
      ['a change written here', { eventName: 'MODIFY', dynamodb: { OldImage: image(there), NewImage: image(here) } }],
      ['an insert replicated from there', { eventName: 'INSERT', dynamodb: { NewImage: image(there) } }],
      ['a change replicated from there', { eventName: 'MODIFY', dynamodb: { OldImage: image(here), NewImage: image(there) } }],
      ['a remove of an item written here', { eventName: 'REMOVE', dynamodb: { OldImage: image(here) } }],
      ['an item without a stamp', { eventName: 'INSERT', dynamodb: { NewImage: image() } }],
      ['legacy: written here', { eventName: 'INSERT', dynamodb: { NewImage: image(here, here) } }],
      ['legacy: replicated from there', { eventName: 'INSERT', dynamodb: { NewImage: image(there, there) } }],
      ['legacy attribute wins: here', { eventName: 'MODIFY', dynamodb: { NewImage: image(there, here) } }],
      ['legacy attribute wins: there', { eventName: 'MODIFY', dynamodb: { NewImage: image(here, there) } }],
      ['legacy bookkeeping here (the code drops it)', { eventName: 'MODIFY', dynamodb: { OldImage: image(here), NewImage: image(here, here) } }],
    ];
    const cases = [
      ['destinations', 'TriggerEventSourceMappingDynamodbEventsTable'],
      ['search', 'ListenerEventSourceMappingDynamodbDestinations' + STAGE + 'readmodelstream'],
    ] as const;

    it.each(cases)('%s %s: keeps every record the code acts on, drops every record written elsewhere', (service, mappingId) => {
      for (const [here, there] of [[HOME, OTHER], [OTHER, HOME]] as const) {
        const mapping = template(service, here).Resources[mappingId];
        const filters = (props(mapping).FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) => f.Pattern);
        for (const [what, record] of records(here, there)) {
          const passes = passesFilters(filters, record);
          if (isFromRegion(record, here)) expect(passes, `${service}@${here}: ${what}`).toBe(true);
          const elsewhere = record.eventName === 'REMOVE' || originOf(record.dynamodb?.NewImage) !== here;
          if (elsewhere) expect(passes, `${service}@${here}: ${what}`).toBe(false);
        }
      }
    });

    it('consumers that must see replicated records too are not filtered', () => {
      for (const [id, m] of resourcesOf(template('destinations', HOME), 'AWS::Lambda::EventSourceMapping')) {
        if (id.startsWith('ReadModelConvergence') || id.startsWith('LocationValidator') || id.startsWith('ReadModel')) expect(props(m).FilterCriteria, id).toBeUndefined();
      }
    });
  });
});

describe('handlers ship unchanged: the module the local cloud runs, bundled', () => {
  it('the zip holds the handler at its own path (.mjs) with its imports inlined, and it runs', async () => {
    const p = pkg('every-feature', OTHER);
    const entries = readZip(readFileSync(join(p.dir, 'api.zip')));
    expect(entries.map((e) => e.name)).toEqual(['src/api.mjs']);
    const code = entries[0]!.text;
    expect(code).toContain('DynamoDBDocumentClient');
    const dir = mkdtempSync(join(tmpdir(), 'meridian-bundle-'));
    writeFileSync(join(dir, 'api.mjs'), code);
    const mod = (await import(pathToFileURL(join(dir, 'api.mjs')).href)) as { handler(e: { httpMethod: string }): Promise<{ statusCode: number; body: string }> };
    const region = process.env.AWS_REGION;
    process.env.AWS_REGION = OTHER;
    const response = await mod.handler({ httpMethod: 'GET' }).finally(() => {
      if (region === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = region;
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ healthy: true, region: OTHER });
    const state = JSON.parse(readFileSync(join(p.dir, 'serverless-state.json'), 'utf8')) as { service: { functions: Record<string, { package: { artifact: string } }> } };
    expect(state.service.functions.api!.package.artifact).toBe('.serverless/api.zip');
  });
});

describe('a serverless.yml written for the 2018 plugins packages into the equivalent resources', () => {
  const config = () => loadConfig();

  it('serverless-multi-regional-plugin: regional domain, base path, latency record per region; CloudFront and the global record in cdn.region', () => {
    for (const region of [HOME, OTHER]) {
      const t = template('global-things', region);
      expect(t.Resources.ApiRegionalDomainName!.Properties).toMatchObject({
        DomainName: `${STAGE}-global-things.example.com`,
        RegionalCertificateArn: `arn:aws:acm:${region}:111111111111:certificate/${region === HOME ? 'east' : 'west'}`,
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
      expect(t.Resources.ApiRegionalBasePathMapping!.Properties).toMatchObject({ RestApiId: { Ref: 'ApiGatewayRestApi' }, Stage: STAGE });
      expect(t.Resources.ApiRegionalEndpointRecord!.Properties).toMatchObject({ HostedZoneId: 'Z0000000000000', Name: `${STAGE}-global-things.example.com.`, SetIdentifier: region });
    }
    // us-east-1 names its health check (the stack's own CloudWatch-alarm check); us-west-2 gets an HTTPS probe of GET /check.
    expect(template('global-things', HOME).Resources.ApiRegionalEndpointRecord!.Properties!.HealthCheckId).toEqual({ Ref: 'ApiHealthCheck' });
    expect(template('global-things', OTHER).Resources.ApiRegionalHealthCheck!.Properties!.HealthCheckConfig).toMatchObject({ Type: 'HTTPS', ResourcePath: `/${STAGE}/check` });
    const distribution = template('global-things', HOME).Resources.ApiDistribution!.Properties!.DistributionConfig;
    expect(distribution).toMatchObject({ Aliases: ['global-things.example.com'], ViewerCertificate: { AcmCertificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/east' } });
    expect(template('global-things', HOME).Resources.ApiGlobalEndpointRecord!.Properties).toMatchObject({ Name: 'global-things.example.com.' });
    expect(template('global-things', OTHER).Resources.ApiGlobalEndpointRecord).toBeUndefined();
  });

  it('serverless-dynamodb-autoscaling-plugin + global-table-plugin: one GlobalTable, replica autoscaling from read/write', () => {
    const table = template('global-things', HOME).Resources.Table!;
    const scaling = { MinCapacity: 5, MaxCapacity: 1000, TargetTrackingScalingPolicyConfiguration: { TargetValue: 80 } };
    expect(table).toMatchObject({
      Type: 'AWS::DynamoDB::GlobalTable',
      DeletionPolicy: 'Retain',
      Properties: { TableName: `${STAGE}-global-things-things`, WriteProvisionedThroughputSettings: { WriteCapacityAutoScalingSettings: scaling } },
    });
    for (const replica of table.Properties!.Replicas as Record<string, unknown>[]) {
      expect(replica.ReadProvisionedThroughputSettings).toMatchObject({ ReadCapacityAutoScalingSettings: scaling });
    }
  });

  it('us-west-2 finds its replica and stream without ARNs: the trigger reads the replica lookup\'s StreamArn', () => {
    const t = template('global-things', OTHER);
    const mapping = resourcesOf(t, 'AWS::Lambda::EventSourceMapping').find(([id]) => id.includes('Dynamodb'))![1];
    expect(mapping.Properties!.EventSourceArn).toEqual({ 'Fn::GetAtt': ['TableReplica', 'StreamArn'] });
    expect(t.Resources.TableReplica!.Properties!.TableName).toBe(`${STAGE}-global-things-things`);
  });

  it('the round-robin target bucket comes from config/ (the next region\'s), no second deploy', () => {
    for (const region of [HOME, OTHER]) {
      const next = config().regions.find((r) => r.region === config().regions.find((x) => x.region === region)!.next)!;
      const fn = template('global-things', region).Resources.ReplicatorLambdaFunction!;
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.REPLICATION_BUCKET_NAME).toBe(next.names.searchBucket);
    }
  });
});

describe('the system front door on AWS, from config/meridian.yml aws.frontDoor (issue 11)', () => {
  const frontDoor = () => loadConfig().awsFrontDoor!;
  const systemNames = () => SYSTEM.map((d) => loadService(d, { stage: STAGE, region: HOME }).service);
  const distributionConfig = () => template('front-door', HOME).Resources.Distribution!.Properties!.DistributionConfig as Record<string, unknown> & {
    Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown; S3OriginConfig?: unknown; CustomOriginConfig?: Record<string, unknown> }[];
    CacheBehaviors: { PathPattern: string; TargetOriginId: string; OriginRequestPolicyId: string; ViewerProtocolPolicy: string; AllowedMethods: string[] }[];
    DefaultCacheBehavior: { TargetOriginId: string };
    OriginGroups: { Quantity: number; Items: { Id: string; Members: { Items: { OriginId: string }[] }; FailoverCriteria: { StatusCodes: { Items: number[] } } }[] };
    CustomErrorResponses: { ErrorCode: number; ErrorCachingMinTTL: number }[];
  };

  it('the example configuration is an obvious placeholder, and packages without credentials', () => {
    expect(frontDoor().domain).toMatch(/\.example\.com$/);
    expect(frontDoor().hostedZoneId).toMatch(/EXAMPLE/);
    for (const arn of Object.values(frontDoor().certificates)) expect(arn).toMatch(/:111111111111:certificate\/00000000-0000-0000-0000-000000000000$/);
  });

  it('a health check per region on /health over HTTPS on that region\'s own name (fast interval), referenced by every latency record of that region', () => {
    const fd = frontDoor();
    for (const region of [HOME, OTHER]) {
      const platform = template('front-door', region);
      const checks = resourcesOf(platform, 'AWS::Route53::HealthCheck');
      expect(checks.map(([id]) => id), region).toEqual(['RegionHealthCheck']);
      expect(checks[0]![1].Properties!.HealthCheckConfig).toEqual({
        Type: 'HTTPS', FullyQualifiedDomainName: `${region}.api.${fd.domain}`, Port: 443, EnableSNI: true, ResourcePath: '/health', RequestInterval: 10, FailureThreshold: fd.healthCheck.failureThreshold,
      });
      expect(platform.Outputs!.RegionHealthCheck).toEqual({ Value: { Ref: 'RegionHealthCheck' }, Export: { Name: healthCheckExport(STAGE) } });
      for (const dir of SYSTEM) {
        const service = serviceKey(dir);
        const name = loadService(dir, { stage: STAGE, region }).service;
        const record = template(service, region).Resources.FrontDoorLatencyRecord;
        expect(record?.Properties, `${service}@${region}`).toEqual({
          HostedZoneId: fd.hostedZoneId, Name: `${name}.api.${fd.domain}.`, Type: 'CNAME', TTL: String(fd.regionalRecordTtl),
          ResourceRecords: [{ 'Fn::GetAtt': ['FrontDoorDomainName', 'RegionalDomainName'] }],
          Region: region, SetIdentifier: region, HealthCheckId: { 'Fn::ImportValue': healthCheckExport(STAGE) },
        });
        // The API at the root of its name: public paths stay the API's own.
        expect(template(service, region).Resources.FrontDoorBasePathMapping!.Properties).toEqual({ DomainName: { Ref: 'FrontDoorDomainName' }, RestApiId: { Ref: 'ApiGatewayRestApi' }, Stage: STAGE });
      }
      // The check's name is answered by the one service serving GET /health, in this region only (not latency-routed).
      const pinned = SYSTEM.map(serviceKey).filter((s) => template(s, region).Resources.FrontDoorHealthDomainName);
      expect(pinned, region).toHaveLength(1);
      const health = template(pinned[0]!, region);
      expect(health.Resources.FrontDoorHealthDomainName!.Properties).toMatchObject({ DomainName: `${region}.api.${fd.domain}`, RegionalCertificateArn: fd.certificates[region], SecurityPolicy: 'TLS_1_2' });
      expect(health.Resources.FrontDoorHealthRecord!.Properties).toMatchObject({ Name: `${region}.api.${fd.domain}.`, Type: 'A' });
      expect(health.Resources.FrontDoorHealthRecord!.Properties!.Region).toBeUndefined();
    }
  });

  it('one CloudFront distribution for the whole system, in us-east-1\'s front-door stack only', () => {
    const found = [...templates].filter(([p]) => SYSTEM.includes(p.serviceDir) || p.serviceDir === frontDoorPlatformDir).flatMap(([p, t]) => resourcesOf(t, 'AWS::CloudFront::Distribution').map(([id]) => `${p.service}@${p.region} ${id}`));
    expect(found).toEqual([`front-door@${HOME} Distribution`]);
  });

  it('a behaviour for every public path of every service, to that service\'s latency-routed name, forwarding all but Host', () => {
    const config = distributionConfig();
    const fd = frontDoor();
    const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const paths: string[] = [];
    for (const dir of SYSTEM) {
      const definition = loadService(dir, { stage: STAGE, region: HOME });
      for (const route of definition.functions.flatMap((f) => f.events.flatMap((e) => (e.type === 'http' ? [e] : [])))) {
        const path = route.path.replace(/\{[^}]+\}/g, 'some-id');
        paths.push(path);
        const first = config.CacheBehaviors.find((b) => glob(b.PathPattern).test(path));
        expect(first?.TargetOriginId, `${route.method} ${path}`).toBe(`api-${definition.service}`);
        expect(first!.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST);
        expect(first!.ViewerProtocolPolicy).toBe('https-only');
        expect(first!.AllowedMethods).toContain(route.method === 'ANY' ? 'POST' : route.method);
        const origin = config.Origins.find((o) => o.Id === first!.TargetOriginId)!;
        expect(origin.DomainName).toBe(`${definition.service}.api.${fd.domain}`);
        expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
      }
    }
    expect(paths).toEqual(expect.arrayContaining(['/destinations', '/destinations/some-id', '/search', '/views/destinations/some-id', '/health']));
    // Anything else is the site.
    expect(config.CacheBehaviors.some((b) => glob(b.PathPattern).test('/index.html'))).toBe(false);
  });

  it('the site: an origin group over both regions\' buckets through origin access control, each bucket readable by that distribution only', () => {
    const config = distributionConfig();
    const regions = loadConfig().regions;
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe('site');
    expect(config.OriginGroups.Quantity).toBe(1);
    const group = config.OriginGroups.Items[0]!;
    expect(group.Members.Items.map((m) => m.OriginId)).toEqual(regions.map((r) => `site-${r.region}`));
    expect(group.FailoverCriteria.StatusCodes.Items).toEqual(expect.arrayContaining([500, 502, 503, 504]));
    for (const r of regions) {
      const origin = config.Origins.find((o) => o.Id === `site-${r.region}`)!;
      expect(origin).toMatchObject({ DomainName: `${r.names.siteBucket}-${STAGE}.s3.${r.region}.amazonaws.com`, S3OriginConfig: { OriginAccessIdentity: '' }, OriginAccessControlId: { 'Fn::GetAtt': ['SiteOriginAccessControl', 'Id'] } });
      const platform = template('front-door', r.region);
      expect(platform.Resources.SiteBucket!.Properties).toMatchObject({
        BucketName: `${r.names.siteBucket}-${STAGE}`,
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
      const reads = policyStatements(platform).filter((s) => s.where === 'SiteBucketPolicy' && s.statement.Effect === 'Allow');
      const distributionId = r.region === HOME ? { Ref: 'Distribution' } : { 'Fn::GetAtt': ['DistributionLookup', 'Id'] };
      expect(platform.Outputs!.DistributionId, r.region).toEqual({ Value: distributionId, Export: { Name: `front-door-${STAGE}-distribution-id` } });
      expect(reads.map((s) => s.statement), r.region).toEqual([
        expect.objectContaining({
          Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject',
          Condition: { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': ['arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Id}', { Id: distributionId }] } } },
        }),
      ]);
    }
    expect(resourcesOf(template('front-door', HOME), 'AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    // us-west-2 learns the distribution's id from the SSM parameter us-east-1's stack writes.
    expect(template('front-door', HOME).Resources.DistributionIdParameter!.Properties).toMatchObject({ Name: `/meridian/${STAGE}/front-door/distribution-id`, Value: { Ref: 'Distribution' } });
  });

  it('5xx answers are never cached; TLS 1.2+ to viewers with the us-east-1 certificate; A and AAAA records for every alias', () => {
    const config = distributionConfig();
    const fd = frontDoor();
    expect(config.CustomErrorResponses.filter((e) => e.ErrorCode >= 500)).toEqual([500, 502, 503, 504].map((code) => ({ ErrorCode: code, ErrorCachingMinTTL: 0 })));
    expect(config.ViewerCertificate).toEqual({ AcmCertificateArn: fd.certificates[HOME], SslSupportMethod: 'sni-only', MinimumProtocolVersion: 'TLSv1.2_2021' });
    expect(config.Aliases).toEqual(fd.aliases);
    const records = resourcesOf(template('front-door', HOME), 'AWS::Route53::RecordSet').map(([, r]) => `${String(r.Properties!.Name)} ${String(r.Properties!.Type)}`);
    expect(records.sort()).toEqual(fd.aliases.flatMap((a) => [`${a}. A`, `${a}. AAAA`]).sort());
    // Cache keys: the API's answers as their Cache-Control says (MinTTL 0, nothing cached by default).
    expect(template('front-door', HOME).Resources.ApiCachePolicy!.Properties!.CachePolicyConfig).toMatchObject({ MinTTL: 0, DefaultTTL: 0 });
  });
});
