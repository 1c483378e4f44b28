import { localCredentials } from '../credentials.js';
import type { FunctionDefinition, FunctionRuntimeOptions } from './types.js';

export const DEFAULT_MEMORY_MB = '1024';

// The local cloud's fixed credentials: the SDK's chain stops at the environment, never at the network.
const localDefaults: Record<string, string> = {
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  AWS_EC2_METADATA_DISABLED: 'true',
};

/**
 * The whole process.env a function's worker sees: nothing of the host's environment leaks in, and
 * the variables Lambda reserves come last so a function cannot override them (as on AWS).
 */
export function functionEnvironment(fn: FunctionDefinition, options: FunctionRuntimeOptions): Record<string, string> {
  return {
    ...localDefaults,
    ...options.regionEnvironment,
    ...fn.environment,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: DEFAULT_MEMORY_MB,
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
  };
}
