import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../regions/config.js';

// The command a user types, as npm runs it, on a machine without any AWS credentials.
function npmRun(args: string[]) {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true' });
  const began = Date.now();
  const r = spawnSync('npm', ['run', '-s', ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}`, ms: Date.now() - began };
}

describe('the AWS target without credentials', () => {
  it('`npm run dp:e -- --target aws --stage prod` fails fast, naming the credentials and how to provide them', () => {
    const r = npmRun(['dp:e', '--', '--target', 'aws', '--stage', 'prod']);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/No AWS credentials found, so nothing was deployed to us-east-1/);
    expect(r.output).toMatch(/AWS_PROFILE/);
    expect(r.output).toMatch(/AWS_ACCESS_KEY_ID/);
    expect(r.output).toMatch(/aws sso login/);
    expect(r.output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('asks for a stage rather than deploying to AWS under a default name', () => {
    const r = npmRun(['dp:w', '--', '--target', 'aws']);
    expect(r.status).toBe(2);
    expect(r.output).toMatch(/--target aws needs --stage NAME/);
  });
});
