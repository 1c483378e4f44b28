import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OslsRunError, deployServices } from '../index.js';
import { fixtureConfig, fixtureService } from './support/templates.js';

/**
 * No AWS here: credentials are fake and every AWS endpoint refuses connections. What this proves is
 * everything before the first AWS call: the credential check passes, the region is packaged, the stacks
 * are ordered by their exports and imports, and osls accepts Meridian's package for deploying (it
 * restores the state, finds every function's artifact) and then fails on the network, stopping the rest.
 */
const FAKE: Record<string, string> = {
  AWS_ACCESS_KEY_ID: 'AKIAMERIDIANTEST',
  AWS_SECRET_ACCESS_KEY: 'not-a-secret',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  SLS_AWS_REQUEST_MAX_RETRIES: '0',
};
let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(Object.keys(FAKE).map((k) => [k, process.env[k]]));
  Object.assign(process.env, FAKE);
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('deployServices: one region, services in dependency order, progress per service and step', () => {
  it('deploys the exporter before the importer with the packaged artifacts, and stops at the first failure', async () => {
    const lines: string[] = [];
    const error = await deployServices({
      region: 'us-east-1',
      stage: 'test',
      serviceDirs: [fixtureService('things-reader'), fixtureService('every-feature')],
      configDir: fixtureConfig,
      log: (l) => lines.push(l),
      credentials: async () => ({ accessKeyId: FAKE.AWS_ACCESS_KEY_ID! }),
    }).catch((e: unknown) => e);

    expect(lines).toContain('Order in us-east-1: every-feature → things-reader');
    expect(lines).toContain('[us-east-1] (1/2) every-feature: deploying stack every-feature-test');
    expect(lines.some((l) => l.startsWith('  every-feature | '))).toBe(true);
    expect(lines.some((l) => l.includes('things-reader: deploying'))).toBe(false);
    expect(error).toBeInstanceOf(OslsRunError);
    const message = (error as Error).message;
    // osls got past restoring the package and checking every artifact: it failed calling AWS.
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toMatch(/file found in the package path/);
    expect(message).toContain('Not deployed because of it: things-reader');
  }, 120_000);
});
