import { localCredentials } from '../credentials.js';
import type { FunctionRuntimeOptions } from './types.js';

export interface PollerClientConfig {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

/**
 * SDK client settings for the pollers: the region's endpoint and the same credentials the functions
 * get (DynamoDB Local without -sharedDb keeps data apart per access key and region).
 */
export function pollerClientConfig(options: FunctionRuntimeOptions, endpoint: string): PollerClientConfig {
  return {
    region: options.region,
    endpoint,
    credentials: {
      accessKeyId: options.regionEnvironment['AWS_ACCESS_KEY_ID'] ?? localCredentials.accessKeyId,
      secretAccessKey: options.regionEnvironment['AWS_SECRET_ACCESS_KEY'] ?? localCredentials.secretAccessKey,
    },
    // The poll loop retries on its own schedule; the SDK's retries would only delay a pause.
    maxAttempts: 2,
  };
}
