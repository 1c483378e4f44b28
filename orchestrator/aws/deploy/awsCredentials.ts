import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { AwsCredentialsError } from '../errors.js';

/** Resolves credentials (or rejects); the SDK's default Node.js chain unless a test gives another. */
export type CredentialSource = () => Promise<{ accessKeyId: string }>;

export interface CredentialCheck {
  /** Where the deploy (or removal) was going: named in the message. */
  region: string;
  stage?: string;
  /** Defaults to process.env: which variables were set shapes the advice. */
  env?: NodeJS.ProcessEnv;
  source?: CredentialSource;
  /** Give up looking after this long (an unreachable instance-metadata endpoint must not stall the CLI). */
  timeoutMs?: number;
}

/**
 * Fails fast, before osls runs, when the SDK's credential chain finds nothing: environment keys, the
 * shared config and credentials files (AWS_PROFILE, SSO sessions), process credentials, web identity,
 * container and instance roles, in the SDK's order. The message says how to provide them.
 */
export async function assertAwsCredentials(check: CredentialCheck): Promise<void> {
  const env = check.env ?? process.env;
  const source: CredentialSource = check.source ?? defaultProvider({ profile: env.AWS_PROFILE, timeout: 1000, maxRetries: 0 });
  const timeoutMs = check.timeoutMs ?? 5000;
  let reason: string;
  try {
    const found = await withTimeout(source(), timeoutMs);
    if (found.accessKeyId) return;
    reason = 'the credentials found have no access key id';
  } catch (e) {
    reason = (e as Error).message;
  }
  throw new AwsCredentialsError(missingCredentialsMessage(check.region, check.stage, env, reason));
}

export function missingCredentialsMessage(region: string, stage: string | undefined, env: NodeJS.ProcessEnv, reason: string): string {
  const target = `${region}${stage ? ` (stage ${stage})` : ''}`;
  const lines = [`No AWS credentials found, so nothing was deployed to ${target}.`];
  if (env.AWS_PROFILE) {
    lines.push(
      `AWS_PROFILE=${env.AWS_PROFILE} is set, but that profile gave no credentials: it is not in ~/.aws/config or ~/.aws/credentials, ` +
        `or its SSO session has expired (run: aws sso login --profile ${env.AWS_PROFILE}).`,
    );
  } else if (env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY) {
    lines.push('AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not: set both.');
  }
  lines.push(
    'Provide credentials in one of these ways, then run the command again:',
    '  - a named profile:  export AWS_PROFILE=<profile>   (defined in ~/.aws/config or ~/.aws/credentials)',
    '  - access keys:      export AWS_ACCESS_KEY_ID=<key id> AWS_SECRET_ACCESS_KEY=<secret>   (and AWS_SESSION_TOKEN for temporary keys)',
    '  - IAM Identity Center (SSO):  aws sso login --profile <profile>, then export AWS_PROFILE=<profile>',
    `(The AWS SDK's credential chain said: ${reason})`,
  );
  return lines.join('\n');
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no credentials within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
