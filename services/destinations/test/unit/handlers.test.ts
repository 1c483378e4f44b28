import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent, lambdaContext } from '../../../toolkit/test/support/lambdaEvents.js';

/*
 * Entry files build their dependencies on the first invocation: importing one never throws, and an
 * invocation without its settings fails with a message that says what sets them.
 */
const SETTINGS = ['EVENTS_TABLE', 'READ_MODEL_TABLE', 'STREAM_NAME', 'PUBLISHED_TABLE', 'IDEMPOTENCY_TABLE'];
const saved = Object.fromEntries(['AWS_REGION', ...SETTINGS].map((name) => [name, process.env[name]]));

beforeAll(() => {
  process.env.AWS_REGION = 'us-east-1';
  for (const name of SETTINGS) delete process.env[name];
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('destinations handlers', () => {
  const entries = {
    api: () => import('../../src/handlers/api.js'),
    trigger: () => import('../../src/handlers/trigger.js'),
    validator: () => import('../../src/handlers/validator.js'),
    readModel: () => import('../../src/handlers/readModel.js'),
    readModelConvergence: () => import('../../src/handlers/readModelConvergence.js'),
  };
  it.each(Object.entries(entries))('%s imports without its settings', async (_name, load) => {
    expect(typeof (await load()).handler).toBe('function');
  });

  it('an invocation without its settings fails, naming the variable and what sets it', async () => {
    const { handler } = await import('../../src/handlers/api.js');
    await expect(handler(apiGatewayEvent({ httpMethod: 'GET', path: '/destinations/x' }), lambdaContext('req-1'))).rejects.toThrow(
      'environment variable EVENTS_TABLE is not set: services/destinations/serverless.yml sets it',
    );
  });
});
