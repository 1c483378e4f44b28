import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent, lambdaContext } from '../../../toolkit/test/support/lambdaEvents.js';

/*
 * Entry files build their dependencies on the first invocation: importing one never throws, and an
 * invocation without its settings fails with a message that says what sets them.
 */
const SETTINGS = ['SEARCH_BUCKET', 'MERIDIAN_SEARCH_ENDPOINT', 'NEXT_REGION', 'NEXT_BUCKET'];
const saved = Object.fromEntries(['AWS_REGION', ...SETTINGS].map((name) => [name, process.env[name]]));

beforeAll(() => {
  process.env.AWS_REGION = 'us-west-2';
  for (const name of SETTINGS) delete process.env[name];
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('search handlers', () => {
  const entries = {
    listener: () => import('../../src/handlers/listener.js'),
    indexer: () => import('../../src/handlers/indexer.js'),
    replicator: () => import('../../src/handlers/replicator.js'),
    search: () => import('../../src/handlers/search.js'),
    view: () => import('../../src/handlers/view.js'),
  };
  it.each(Object.entries(entries))('%s imports without its settings', async (_name, load) => {
    expect(typeof (await load()).handler).toBe('function');
  });

  it('an invocation without its settings fails, naming the variable and what sets it', async () => {
    const { handler } = await import('../../src/handlers/view.js');
    await expect(handler(apiGatewayEvent({ path: '/views/destinations/paris', pathParameters: { id: 'paris' } }), lambdaContext('req-1'))).rejects.toThrow(
      'environment variable SEARCH_BUCKET is not set: services/search/serverless.yml sets it',
    );
  });
});
