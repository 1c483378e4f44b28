/**
 * Runs the real AWS CLI and boto3 against a local object store: dummy credentials and a region from the
 * environment, the endpoint always given, instance metadata off and the developer's own AWS config and
 * variables left out, so nothing reaches the network and nothing of anyone's setup leaks in.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function awsClientEnv(work: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Files that do not exist: no profile, endpoint or credential process of the developer's applies.
    AWS_CONFIG_FILE: join(work, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
    AWS_PAGER: '',
    // One attempt: a retry must not hide a failed request.
    AWS_MAX_ATTEMPTS: '1',
  };
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env, cwd, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (error && typeof error.code !== 'number' ? String(error) : '') });
    });
  });
}

/** Fails with what to install when a client is missing (.ci/run installs both on a bare Debian machine). */
export async function requireClient(check: string[], env: NodeJS.ProcessEnv, install: string): Promise<void> {
  const [command, ...args] = check;
  const r = await run(command ?? '', args, env);
  if (r.code !== 0) throw new Error(`${check.join(' ')} failed (${r.stderr.trim() || r.code}): install ${install} (.ci/run does it with apt-get)`);
}
