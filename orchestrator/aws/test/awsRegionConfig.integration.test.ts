import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, regionConfig } from '../../../regions/config.js';
import { packageServices } from '../index.js';
import { fixtureConfig } from './support/templates.js';

/** `aws:` in config/<region>.yml: what the AWS target runs there, beside the local cloud's settings. */
function configWith(awsBlock: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-aws-config-'));
  cpSync(fixtureConfig, dir, { recursive: true });
  const file = join(dir, 'us-east-1.yml');
  writeFileSync(file, `${readFileSync(file, 'utf8')}${awsBlock}`);
  return dir;
}

describe('config/<region>.yml aws.search', () => {
  it('reads the AWS engine apart from the local cloud\'s, with defaults for the domain\'s nodes', () => {
    const east = regionConfig(loadConfig({ configDir: configWith('aws:\n  search:\n    engine: opensearch\n    instanceCount: 2\n') }), 'us-east-1');
    expect(east.search.engine).toBe('local');
    expect(east.aws).toEqual({ search: { engine: 'opensearch', instanceType: 't3.small.search', instanceCount: 2 } });
  });

  it('leaves the engine unset when the file has no aws block (the local cloud needs none; packaging then refuses)', () => {
    const west = regionConfig(loadConfig({ configDir: fixtureConfig }), 'us-west-2');
    expect(west.aws).toEqual({ search: { instanceType: 't3.small.search', instanceCount: 1 } });
  });

  it.each([
    ['aws:\n  search:\n    engine: local\n', /aws\.search\.engine must be opensearch .*the local engine exists only in the local cloud/],
    ['aws:\n  search:\n    engine: opensearch\n    instanceType: t3.small\n', /aws\.search\.instanceType must be an OpenSearch Service instance type/],
    ['aws:\n  search:\n    engine: opensearch\n    instanceCount: 0\n', /aws\.search\.instanceCount must be a whole number of data nodes/],
  ])('refuses %j, naming the key', (block, message) => {
    expect(() => loadConfig({ configDir: configWith(block) })).toThrow(ConfigError);
    expect(() => loadConfig({ configDir: configWith(block) })).toThrow(message);
  });

  it('the repository\'s regions run OpenSearch on AWS', () => {
    for (const r of loadConfig().regions) expect(r.aws?.search.engine, r.region).toBe('opensearch');
  });
});

/** `aws.frontDoor` in meridian.yml: the front door on AWS, with certificates where AWS accepts them. */
describe('config/meridian.yml aws.frontDoor', () => {
  const cert = (region: string) => `arn:aws:acm:${region}:111111111111:certificate/00000000-0000-0000-0000-000000000000`;
  function withFrontDoor(block: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-front-door-config-'));
    cpSync(fixtureConfig, dir, { recursive: true });
    const file = join(dir, 'meridian.yml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}aws:\n  frontDoor:\n${block.replace(/^/gm, '    ')}\n`);
    return dir;
  }
  const good = `domain: meridian.example.com\nhostedZoneId: Z0123456789ABC\ncertificates:\n  us-east-1: ${cert('us-east-1')}\n  us-west-2: ${cert('us-west-2')}`;

  it('reads it with defaults: the domain as the alias, health checks every 10 s, 2 failures, 10 s records', () => {
    expect(loadConfig({ configDir: withFrontDoor(good) }).awsFrontDoor).toEqual({
      domain: 'meridian.example.com',
      hostedZoneId: 'Z0123456789ABC',
      aliases: ['meridian.example.com'],
      certificates: { 'us-east-1': cert('us-east-1'), 'us-west-2': cert('us-west-2') },
      healthCheck: { path: '/health', requestInterval: 10, failureThreshold: 2 },
      regionalRecordTtl: 10,
      priceClass: 'PriceClass_100',
    });
    expect(loadConfig({ configDir: fixtureConfig }).awsFrontDoor).toBeUndefined();
  });

  it.each([
    ['no certificate in us-east-1', good.replace(/ {2}us-east-1: .*\n/, ''), /certificates\.us-east-1 is missing: CloudFront serves meridian\.example\.com only with a certificate from ACM in us-east-1/],
    ['us-east-1 given another region\'s certificate', good.replace(cert('us-east-1'), cert('eu-west-1')), /certificates\.us-east-1 is a certificate of eu-west-1, but CloudFront and API Gateway in us-east-1 accept only certificates from ACM in us-east-1/],
    ['a region without its certificate', good.replace(/\n {2}us-west-2: .*/, ''), /certificates\.us-west-2 is missing: the APIs of us-west-2 answer on \*\.api\.meridian\.example\.com/],
    ['a hosted zone name for its id', good.replace('Z0123456789ABC', 'example.com'), /hostedZoneId must be a Route 53 hosted zone id/],
    ['a 5 s health check', `${good}\nhealthCheck:\n  requestInterval: 5`, /requestInterval must be 10 \(fast\) or 30 seconds/],
    ['an alias outside the zone', `${good}\naliases: [www.elsewhere.org]`, /aliases: "www\.elsewhere\.org" must be meridian\.example\.com or a name under it/],
  ])('refuses %s, saying what to do', (_what, block, message) => {
    expect(() => loadConfig({ configDir: withFrontDoor(block) })).toThrow(ConfigError);
    expect(() => loadConfig({ configDir: withFrontDoor(block) })).toThrow(message);
  });

  it('packaging refuses a distribution without a certificate in us-east-1, before running osls', async () => {
    const configDir = withFrontDoor(good.replace(/ {2}us-east-1: .*\n/, ''));
    await expect(packageServices({ stage: 'test', configDir, outDir: mkdtempSync(join(tmpdir(), 'meridian-pkg-')) })).rejects.toThrow(/certificates\.us-east-1 is missing: CloudFront serves/);
  });
});
