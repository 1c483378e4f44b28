import { describe, expect, it } from 'vitest';
import { lazily, requiredEnv } from '../environment.js';

describe('requiredEnv', () => {
  it('answers the value', () => {
    expect(requiredEnv('TABLE', 'serverless.yml sets it', { TABLE: 'events' })).toBe('events');
  });

  it.each([[{}], [{ TABLE: '' }]])('refuses a missing or empty variable, saying what sets it (%j)', (env) => {
    expect(() => requiredEnv('TABLE', 'services/destinations/serverless.yml sets it', env)).toThrow(
      'environment variable TABLE is not set: services/destinations/serverless.yml sets it',
    );
  });
});

describe('lazily', () => {
  it('builds on first use, once', () => {
    let builds = 0;
    const deps = lazily(() => ({ n: ++builds }));
    expect(builds).toBe(0);
    expect(deps()).toBe(deps());
    expect(builds).toBe(1);
  });

  it('builds again after a build that threw, so a fixed setting is picked up without a new environment', () => {
    let fail = true;
    const deps = lazily(() => {
      if (fail) throw new Error('environment variable X is not set');
      return 'built';
    });
    expect(deps).toThrow('X is not set');
    fail = false;
    expect(deps()).toBe('built');
  });
});
