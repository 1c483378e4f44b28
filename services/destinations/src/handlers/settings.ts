import { requiredEnv } from '../../../toolkit/environment.js';
import { serviceLogger, type Logger } from '../../../toolkit/logger.js';

/** A variable this service's serverless.yml sets (provider.environment); missing, the error says so. */
export const setting = (name: string): string => requiredEnv(name, 'services/destinations/serverless.yml sets it (provider.environment); deploy the function with it');

/** The region the function runs in. */
export const thisRegion = (): string => requiredEnv('AWS_REGION', 'the Lambda runtime (and the local cloud) sets it');

/** One per handler module, so cold_start is true on a fresh environment's first invocation only. */
export const functionLogger = (): Logger => serviceLogger('destinations');
