import { describe, expect, it } from 'vitest';
import type { AwsFrontDoorConfig } from '../../../regions/config.js';
import { PluginConfigError } from '../errors.js';
import { apiBehaviours } from '../template/platformFrontDoor.js';

const frontDoor: AwsFrontDoorConfig = {
  domain: 'meridian.example.com',
  hostedZoneId: 'Z0123',
  aliases: ['meridian.example.com'],
  certificates: {},
  healthCheck: { path: '/health', requestInterval: 10, failureThreshold: 2 },
  regionalRecordTtl: 10,
  priceClass: 'PriceClass_100',
};
const get = (path: string) => ({ method: 'GET', path });

/** CloudFront path patterns from http routes: what a new service gets without editing the distribution. */
describe('apiBehaviours', () => {
  it('turns routes into patterns, most specific first, one per path', () => {
    const behaviours = apiBehaviours(
      [
        { service: 'destinations', routes: [{ method: 'POST', path: 'destinations' }, get('destinations/{id}'), { method: 'PUT', path: 'destinations/{id}' }] },
        { service: 'search', routes: [get('search'), get('views/destinations/{id}'), get('views/{proxy+}')] },
        { service: 'health', routes: [get('/health')] },
      ],
      frontDoor,
    );
    expect(behaviours).toEqual([
      { pattern: '/views/destinations/*', service: 'search' },
      { pattern: '/destinations/*', service: 'destinations' },
      { pattern: '/destinations', service: 'destinations' },
      { pattern: '/health', service: 'health' },
      { pattern: '/search', service: 'search' },
      { pattern: '/views/*', service: 'search' },
    ]);
  });

  it('refuses two services on one path, and a route the site would shadow', () => {
    expect(() => apiBehaviours([{ service: 'a', routes: [get('things')] }, { service: 'b', routes: [get('things')] }], frontDoor)).toThrow(/\/things is a's too/);
    expect(() => apiBehaviours([{ service: 'a', routes: [get('{id}')] }], frontDoor)).toThrow(PluginConfigError);
    expect(() => apiBehaviours([{ service: 'Not_A_Label', routes: [get('x')] }], frontDoor)).toThrow(/must be a DNS label/);
  });
});
