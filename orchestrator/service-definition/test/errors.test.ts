import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceDefinitionError, loadService } from '../index.js';
import { HANDLER, broken, fixtureConfig, tempService } from './support.js';

const opts = { stage: 'dev', region: 'us-east-1', configDir: fixtureConfig, env: {} };

function errorOf(dir: string, options: Partial<typeof opts> = {}): ServiceDefinitionError {
  try {
    loadService(dir, { ...opts, ...options });
  } catch (e) {
    if (e instanceof ServiceDefinitionError) return e;
    throw e;
  }
  throw new Error(`${dir} loaded without an error`);
}

const yml = (body: string) => tempService({ 'serverless.yml': `service: bad\nprovider:\n  name: aws\n${body}`, 'src/a.ts': HANDLER });

describe('errors name the file, the key path and what to fix', () => {
  it('an unknown ${self:...} key names where it is used and what the parent has', () => {
    const e = errorOf(broken('unknown-self'));
    expect(e.file).toBe(join(broken('unknown-self'), 'serverless.yml'));
    expect(e.keyPath).toBe('functions.writer.environment.TABLE_NAME');
    expect(e.message).toContain('serverless.yml');
    expect(e.message).toContain('${self:custom.tableNmae}');
    expect(e.message).toContain('which has: tableName');
  });

  it('a cycle of variables lists the chain', () => {
    const e = errorOf(broken('cycle'));
    expect(e.message).toMatch(/cycle: custom\.a → custom\.b → custom\.c → custom\.a/);
  });

  it('a variable that contains itself is a cycle too', () => {
    expect(errorOf(yml('custom:\n  a:\n    b: ${self:custom.a}\n')).message).toContain('cycle');
  });

  it('a missing handler file says which function and which path was looked for', () => {
    const e = errorOf(broken('missing-handler'));
    expect(e.keyPath).toBe('functions.absent.handler');
    expect(e.message).toContain('function "absent"');
    expect(e.message).toContain(join(broken('missing-handler'), 'src', 'absent.ts'));
  });

  it('an unknown variable source names the source and the key path', () => {
    const e = errorOf(broken('unknown-source'));
    expect(e.keyPath).toBe('custom.secret');
    expect(e.message).toContain('unknown variable source "vault"');
  });

  it('a malformed short http event shows the expected form', () => {
    const e = errorOf(broken('bad-event'));
    expect(e.keyPath).toBe('functions.api.events[0].http');
    expect(e.message).toContain('"METHOD path"');
  });

  it('an unset option or environment variable without a default', () => {
    expect(errorOf(yml('custom:\n  a: ${opt:acct}\n')).message).toContain('no --acct option was given');
    expect(errorOf(yml('custom:\n  a: ${env:MERIDIAN_NOT_SET}\n')).message).toContain('environment variable MERIDIAN_NOT_SET is not set');
  });

  it('a missing key in an included file names that file and the key', () => {
    const e = errorOf(yml(`custom:\n  a: \${file(${fixtureConfig}/\${opt:region}.yml):names.nope}\n`));
    expect(e.message).toContain('us-east-1.yml has no value at names.nope');
    expect(e.message).toContain('searchBucket, siteBucket');
  });

  it('a region Meridian is not configured for', () => {
    expect(errorOf(yml('custom:\n  a: ${meridian:region.next}\n'), { region: 'eu-west-1' }).message).toContain('unknown region "eu-west-1"');
  });

  it('an object cannot be part of a text', () => {
    expect(errorOf(yml('custom:\n  m: {a: 1}\n  s: x-${self:custom.m}\n')).message).toContain('gives an object, which cannot be part of a text');
  });

  it('an unsupported event type, and a stream whose ARN says nothing about its type', () => {
    expect(errorOf(yml('functions:\n  f:\n    handler: src/a.handler\n    events:\n      - sqs: arn:aws:sqs:us-east-1:1:q\n')).message).toContain('event type "sqs" is not supported');
    const e = errorOf(yml('functions:\n  f:\n    handler: src/a.handler\n    events:\n      - stream:\n          arn: !GetAtt T.StreamArn\n'));
    expect(e.keyPath).toBe('functions.f.events[0].stream.type');
  });

  it('bad values: a misspelt resource attribute, a number out of range, a wrong provider', () => {
    expect(errorOf(yml('resources:\n  Resources:\n    T:\n      Type: AWS::SNS::Topic\n      Propertes: {}\n')).keyPath).toBe('resources.Resources.T.Propertes');
    expect(errorOf(yml('functions:\n  f:\n    handler: src/a.handler\n    timeout: 9000\n')).message).toContain('functions.f.timeout: must be a number from 1 to 900');
    const wrong = tempService({ 'serverless.yml': 'service: xy\nprovider:\n  name: azure\n' });
    expect(errorOf(wrong).keyPath).toBe('provider.name');
  });

  it('invalid YAML and a missing serverless.yml', () => {
    expect(errorOf(tempService({ 'serverless.yml': 'service: [\n' })).message).toContain('is not valid YAML');
    expect(errorOf(tempService({})).message).toContain('needs a serverless.yml');
  });

  it('an unterminated variable', () => {
    expect(errorOf(yml('custom:\n  a: ${opt:stage\n')).message).toContain('no closing "}"');
  });
});
