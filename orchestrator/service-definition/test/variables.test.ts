import { describe, expect, it } from 'vitest';
import { loadService } from '../index.js';
import { HANDLER, fixtureConfig, tempService } from './support.js';

/** Loads a one-off service whose custom section is `custom` and returns the resolved custom map. */
function custom(customYaml: string, opts: { env?: Record<string, string>; files?: Record<string, string>; options?: Record<string, string>; region?: string } = {}) {
  const dir = tempService({
    'serverless.yml': `service: vars\nprovider:\n  name: aws\n  stage: \${opt:stage, 'dev'}\ncustom:\n${customYaml}`,
    ...opts.files,
  });
  return loadService(dir, {
    stage: 'test',
    region: opts.region ?? 'us-east-1',
    configDir: fixtureConfig,
    env: opts.env ?? {},
    options: opts.options ?? {},
  }).custom;
}

describe('variable sources', () => {
  it('opt: stage, region, other options, defaults', () => {
    expect(custom(`  a: \${opt:stage}\n  b: \${opt:region}\n  c: \${opt:acct, 'dev'}\n  d: \${opt:acct}\n`, { options: { acct: 'prod' } })).toEqual({
      a: 'test',
      b: 'us-east-1',
      c: 'prod',
      d: 'prod',
    });
    expect(custom(`  c: \${opt:acct, 'dev'}\n  n: \${opt:missing, 3}\n  t: \${opt:missing, true}\n`)).toEqual({ c: 'dev', n: 3, t: true });
  });

  it('self: service, provider.stage (the stage loaded), nested keys, list indexes', () => {
    expect(custom(`  a: \${self:service}\n  b: \${self:provider.stage}\n  c: \${self:custom.list.1.name}\n  list:\n    - name: x\n    - name: y\n`)).toMatchObject({
      a: 'vars',
      b: 'test',
      c: 'y',
    });
  });

  it('self: a whole map or list keeps its shape', () => {
    expect(custom(`  copy: \${self:custom.orig}\n  orig:\n    n: 1\n    l: [a, b]\n`).copy).toEqual({ n: 1, l: ['a', 'b'] });
  });

  it('env: set, unset with a default, a fallback to another source', () => {
    expect(custom(`  a: \${env:LEVEL}\n  b: \${env:NOPE, 'warn'}\n  c: \${env:NOPE, self:custom.a}\n  d: \${env:NOPE, \${opt:stage}}\n`, { env: { LEVEL: 'debug' } })).toEqual({
      a: 'debug',
      b: 'warn',
      c: 'debug',
      d: 'test',
    });
  });

  it('a quoted default may contain commas and braces', () => {
    expect(custom(`  a: \${env:NOPE, 'x, {y}'}\n`).a).toBe('x, {y}');
  });

  it('file: relative to the service directory, a key, the whole file, and variables inside the file', () => {
    const files = {
      'conf/settings.yml': 'name: svc-${opt:stage}\nlimits:\n  max: 10\n',
      'conf/data.json': '{"a": {"b": [1, 2]}}',
    };
    expect(custom(`  a: \${file(./conf/settings.yml):name}\n  b: \${file(conf/settings.yml)}\n  c: \${file(conf/data.json):a.b}\n  d: \${file(conf/settings.yml):limits.max}\n`, { files })).toEqual({
      a: 'svc-test',
      b: { name: 'svc-test', limits: { max: 10 } },
      c: [1, 2],
      d: 10,
    });
  });

  it('file: nested variables build the path, and a missing file falls back', () => {
    const files = { 'regions/us-west-2.yml': 'bucket: west-bucket\n' };
    expect(custom(`  a: \${file(regions/\${opt:region}.yml):bucket}\n`, { files, region: 'us-west-2' }).a).toBe('west-bucket');
    expect(custom(`  a: \${file(regions/\${opt:region}.yml):bucket, 'none'}\n`, { files }).a).toBe('none');
  });

  it('file: the book’s ../../config/<region>.yml form', () => {
    // tempService dirs are not two levels under the fixtures, so point at the config dir absolutely.
    expect(custom(`  a: \${file(${fixtureConfig}/\${opt:region}.yml):names.searchBucket}\n`, { region: 'us-west-2' }).a).toBe('fixture-search-us-west-2');
  });

  it('cf, cf(region), ssm, s3: typed references for deploy time, with their fallbacks', () => {
    expect(
      custom(
        `  a: \${cf:stream-\${opt:stage}.streamArn}\n  b: \${cf(us-west-2):other.Out}\n  c: \${ssm:/meridian/key}\n  d: \${ssm(raw):/k}\n  e: \${s3:bucket/path/key.txt}\n  f: \${cf:x.Y, 'local'}\n`,
      ),
    ).toEqual({
      a: { kind: 'cf', stack: 'stream-test', output: 'streamArn' },
      b: { kind: 'cf', stack: 'other', output: 'Out', region: 'us-west-2' },
      c: { kind: 'ssm', name: '/meridian/key' },
      d: { kind: 'ssm', name: '/k', raw: true },
      e: { kind: 's3', bucket: 'bucket', key: 'path/key.txt' },
      f: { kind: 'cf', stack: 'x', output: 'Y', fallback: 'local' },
    });
  });

  it('a deploy-time reference inside text becomes a concat the target fills in', () => {
    expect(custom(`  a: arn:\${cf:s.Out}/stream\n`).a).toEqual({ kind: 'concat', parts: ['arn:', { kind: 'cf', stack: 's', output: 'Out' }, '/stream'] });
  });

  it('an intrinsic inside text becomes Fn::Join', () => {
    expect(custom(`  arn: !GetAtt Table.Arn\n  a: \${self:custom.arn}/stream/*\n`).a).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Table', 'Arn'] }, '/stream/*']] });
  });

  it('meridian: this region, the next region of the ring, the region list, the recovery account', () => {
    const east = custom(
      `  next: \${meridian:region.next}\n  account: \${meridian:region.accountId}\n  nextBucket: \${meridian:next.names.searchBucket}\n  regions: \${meridian:regions}\n  dr: \${meridian:recovery.accountId}\n  aws: \${aws:accountId}\n  rank: \${meridian:region.latencyRank}\n`,
    );
    expect(east).toEqual({
      next: 'us-west-2',
      account: '222222222221',
      nextBucket: 'fixture-search-us-west-2',
      regions: ['us-east-1', 'us-west-2'],
      dr: '999999999999',
      aws: '222222222221',
      rank: 1,
    });
    expect(custom(`  next: \${meridian:region.next}\n`, { region: 'us-west-2' }).next).toBe('us-east-1');
  });

  it('sls and aws: the stage and region being loaded', () => {
    expect(custom(`  a: \${sls:stage}\n  b: \${aws:region}\n`)).toEqual({ a: 'test', b: 'us-east-1' });
  });

  it('CloudFormation ${...} that is not a variable stays as text', () => {
    expect(custom(`  a: !Sub '\${AWS::Region}-\${Bucket.Arn}-\${Name}-\${opt:stage}'\n`).a).toEqual({ 'Fn::Sub': '${AWS::Region}-${Bucket.Arn}-${Name}-test' });
  });

  it('a variable that refers to a map whose value is itself a variable', () => {
    const files = { 'shared.yml': 'table: t-${opt:stage}\n' };
    expect(custom(`  shared: \${file(shared.yml)}\n  table: \${self:custom.shared.table}\n`, { files }).table).toBe('t-test');
  });

  it('handler modules may live anywhere under the service directory', () => {
    const dir = tempService({
      'serverless.yml': 'service: hh\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: lib/deep/mod.run\n',
      'lib/deep/mod.mjs': HANDLER,
    });
    expect(loadService(dir, { stage: 'dev', region: 'us-east-1', env: {} }).functions[0]).toMatchObject({ handlerExport: 'run', name: 'hh-dev-a' });
  });
});
