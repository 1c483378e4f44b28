import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { serviceLogger, withLambdaContext } from '../logger.js';
import { capturingLogger } from './support/capturingLogger.js';
import { lambdaContext } from './support/lambdaEvents.js';

/* The production logger, printing as on Lambda: its lines are read off stdout and stderr. */
const VARIABLES = ['AWS_REGION', 'LOG_LEVEL', 'POWERTOOLS_LOG_LEVEL', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'POWERTOOLS_DEV', 'AWS_LAMBDA_LOG_LEVEL'];
let saved: Record<string, string | undefined>;
let printed: Record<string, unknown>[];

beforeEach(() => {
  saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));
  for (const v of VARIABLES) delete process.env[v];
  process.env.AWS_REGION = 'us-west-2';
  // Lambda sets this for on-demand environments; Powertools reports a cold start only then.
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE = 'on-demand';
  printed = [];
  const keep = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) printed.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(keep);
  vi.spyOn(process.stderr, 'write').mockImplementation(keep);
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const [v, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[v];
    else process.env[v] = value;
  }
});

describe('serviceLogger', () => {
  it('writes service and region on every line, and the invocation’s request id, function name and cold start once wired', async () => {
    const logger = serviceLogger('destinations');
    const handler = withLambdaContext(logger, async (event: { n: number }) => {
      logger.info('handled', { n: event.n });
      return event.n;
    });
    expect(await handler({ n: 1 }, lambdaContext('req-1', 'destinations-dev-api'))).toBe(1);
    await handler({ n: 2 }, lambdaContext('req-2', 'destinations-dev-api'));
    expect(printed).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'handled', service: 'destinations', region: 'us-west-2', function_name: 'destinations-dev-api', function_request_id: 'req-1', cold_start: true, n: 1 }),
      expect.objectContaining({ function_request_id: 'req-2', cold_start: false, n: 2 }),
    ]);
    expect(typeof printed[0]!.timestamp).toBe('string');
  });

  it('takes its level from LOG_LEVEL, and from POWERTOOLS_LOG_LEVEL over it', () => {
    process.env.LOG_LEVEL = 'warn';
    const warnings = serviceLogger('search');
    warnings.info('not shown');
    warnings.warn('shown');
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    const everything = serviceLogger('search');
    everything.debug('shown too');
    expect(printed.map((l) => l.message)).toEqual(['shown', 'shown too']);
  });

  it('is INFO without either variable', () => {
    const logger = serviceLogger('search');
    logger.debug('not shown');
    logger.info('shown');
    expect(printed.map((l) => l.message)).toEqual(['shown']);
  });

  it('writes an error under a key as its name, message and stack (JSON.stringify alone gives {})', () => {
    serviceLogger('search').error('failed', { error: new TypeError('bad input'), destinationId: 'd-1' });
    expect(printed[0]).toMatchObject({ level: 'ERROR', destinationId: 'd-1', error: { name: 'TypeError', message: 'bad input', stack: expect.stringContaining('TypeError: bad input') } });
  });
});

describe('capturingLogger', () => {
  it('keeps the lines the Logger would print, fields and all', () => {
    const log = capturingLogger();
    log.debug('kept', { error: new Error('why'), n: 1 });
    expect(log.lines).toEqual([expect.objectContaining({ level: 'DEBUG', message: 'kept', service: 'test', n: 1, error: expect.objectContaining({ message: 'why' }) })]);
    expect(printed).toEqual([]);
  });
});
