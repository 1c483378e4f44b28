import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, regionConfig } from '../../../regions/config.js';
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
