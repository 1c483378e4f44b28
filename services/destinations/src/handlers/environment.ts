import { createLogger, type Logger } from '../logger.js';

/** A variable serverless.yml must set; a missing one stops the function at load with the fix in the message. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is not set: deploy the function with services/destinations/serverless.yml, which sets it`);
  }
  return value;
}

export function functionLogger(): Logger {
  return createLogger(
    { service: 'destinations', region: process.env.AWS_REGION, function: process.env.AWS_LAMBDA_FUNCTION_NAME },
    process.env.LOG_LEVEL,
  );
}
