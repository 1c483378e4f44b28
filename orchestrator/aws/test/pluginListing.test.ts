import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../regions/config.js';
import { ServiceSetupError } from '../errors.js';
import { checkPluginListing, pluginsBlock } from '../package/pluginListing.js';
import { fixtureService } from './support/templates.js';

const root = mkdtempSync(join(tmpdir(), 'meridian-plugins-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function serviceWith(plugins: string): string {
  const dir = mkdtempSync(join(root, 'svc-'));
  writeFileSync(join(dir, 'serverless.yml'), `service: svc\nprovider:\n  name: aws\n${plugins}\n`);
  return dir;
}

describe('the plugins: line a service needs for osls to load Meridian\'s plugin', () => {
  it('accepts localPath + modules: [plugin] (osls resolves localPath from the service folder)', () => {
    expect(() => checkPluginListing(fixtureService('global-things'))).not.toThrow();
    expect(pluginsBlock(join(repoRoot, 'services', 'x'))).toBe('plugins:\n  localPath: ../../orchestrator/aws\n  modules:\n    - plugin');
  });

  it('explains that osls 4 refuses the relative path form, and gives the lines to write', () => {
    const dir = serviceWith('plugins:\n  - ../../orchestrator/aws/plugin');
    expect(() => checkPluginListing(dir)).toThrow(ServiceSetupError);
    expect(() => checkPluginListing(dir)).toThrow(/osls 4 cannot load/);
    expect(() => checkPluginListing(dir)).toThrow(`Write it as:\n${pluginsBlock(dir)}`);
  });

  it('replaces the 2018 plugins and refuses a service without Meridian\'s plugin', () => {
    expect(() => checkPluginListing(serviceWith('plugins:\n  - serverless-multi-regional-plugin'))).toThrow(/no longer work on osls; Meridian's plugin reads the same custom.dns/);
    expect(() => checkPluginListing(serviceWith(''))).toThrow(/Meridian's osls plugin is not listed/);
  });
});
