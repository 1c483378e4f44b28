import { Logger, LogLevel } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

/**
 * Structured logs, one JSON object a line, the same fields in every function of every service:
 * Powertools for AWS Lambda's Logger (level, message, timestamp, service, sampling_rate and, once
 * the invocation's context is added, function_name, function_request_id, cold_start, function_arn,
 * function_memory_size) plus `region`. Level: POWERTOOLS_LOG_LEVEL, else LOG_LEVEL, else INFO
 * (Lambda's own log-level control, AWS_LAMBDA_LOG_LEVEL, wins over both, as Powertools decides).
 */
export { Logger };

/** What service logic logs through: a Logger fits, and so does the capturing one tests use. */
export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** The logger of one function: create it once per module, so cold_start is true on the first invocation only. */
export function serviceLogger(service: string, env: Readonly<Record<string, string | undefined>> = process.env): Logger {
  // Powertools reads these variables itself, but only in capitals: serverless.yml files say `info`.
  const level = levelOf(env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL);
  return new Logger({ serviceName: service, persistentKeys: env.AWS_REGION ? { region: env.AWS_REGION } : {}, ...(level ? { logLevel: level } : {}) });
}

type Level = (typeof LogLevel)[keyof typeof LogLevel];

/** A level Powertools knows, in any case; undefined (so INFO) for anything else. */
function levelOf(text: string | undefined): Level | undefined {
  const wanted = text?.trim().toUpperCase();
  return Object.values(LogLevel).find((level) => level === wanted);
}

/**
 * The function Lambda calls: the invocation's context goes onto every line `logger` writes while
 * `handler` runs (request id, function name, cold start), as Powertools' injectLambdaContext
 * middleware does, without the middy dependency it needs.
 */
export function withLambdaContext<E, R>(logger: Logger, handler: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    logger.refreshSampleRateCalculation();
    logger.addContext(context);
    logger.logEventIfEnabled(event);
    return handler(event, context);
  };
}
