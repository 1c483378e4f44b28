import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsCredentialsError, assertAwsCredentials, deployServices, removeServices } from '../index.js';
import { fixtureConfig, fixtureService } from './support/templates.js';

/** Everything the SDK's chain reads, pointed at nothing: no keys, no profile files, no instance or container role. */
const NO_CREDENTIALS: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_DEFAULT_PROFILE: undefined,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/meridian/credentials',
  AWS_CONFIG_FILE: '/nonexistent/meridian/config',
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  // A CI machine on EC2 would otherwise find its instance role.
  AWS_EC2_METADATA_DISABLED: 'true',
};

let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(Object.keys(NO_CREDENTIALS).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(NO_CREDENTIALS)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

function expectHowToProvide(message: string): void {
  expect(message).toContain('No AWS credentials found');
  expect(message).toContain('export AWS_PROFILE=<profile>');
  expect(message).toContain('export AWS_ACCESS_KEY_ID=<key id> AWS_SECRET_ACCESS_KEY=<secret>');
  expect(message).toContain('aws sso login --profile <profile>');
}

describe('deploying without AWS credentials fails fast and says how to provide them', () => {
  it('assertAwsCredentials asks the SDK\'s credential chain and names every way to provide credentials', async () => {
    const started = Date.now();
    const error = await assertAwsCredentials({ region: 'us-east-1', stage: 'dev' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCredentialsError);
    expectHowToProvide((error as Error).message);
    expect((error as Error).message).toContain('nothing was deployed to us-east-1 (stage dev)');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('names the profile that gave nothing when AWS_PROFILE is set', async () => {
    process.env.AWS_PROFILE = 'meridian-missing';
    const error = (await assertAwsCredentials({ region: 'us-west-2' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('AWS_PROFILE=meridian-missing is set, but that profile gave no credentials');
    expect(error.message).toContain('aws sso login --profile meridian-missing');
  });

  it('passes when the chain finds credentials', async () => {
    await expect(assertAwsCredentials({ region: 'us-east-1', source: async () => ({ accessKeyId: 'AKIAEXAMPLE' }) })).resolves.toBeUndefined();
  });

  it('deployServices and removeServices stop before packaging or running osls', async () => {
    for (const run of [deployServices, removeServices]) {
      const lines: string[] = [];
      const started = Date.now();
      const error = await run({ region: 'us-east-1', stage: 'dev', serviceDirs: [fixtureService('global-things')], configDir: fixtureConfig, log: (l) => lines.push(l) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsCredentialsError);
      expectHowToProvide((error as Error).message);
      expect(lines).toEqual([]);
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });
});
