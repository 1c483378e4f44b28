import { searchViewFromEnv } from '../adapters/searchViewFromEnv.js';
import { jsonLog } from '../app/log.js';
import { searchEndpoint } from '../app/searchEndpoint.js';
import type { ApiGatewayEvent, ApiGatewayResult } from '../http/lambdaEvents.js';
import { lazily, required } from './environment.js';

/** GET /search?q=&size=: this region's search view. */
const deps = lazily(() => ({
  search: searchViewFromEnv(process.env),
  frontDoorUrl: process.env.MERIDIAN_FRONT_DOOR_URL || undefined,
  region: required(process.env, 'AWS_REGION', 'the function runtime sets it'),
  log: jsonLog('search'),
}));

export const handler = (event: ApiGatewayEvent): Promise<ApiGatewayResult> => searchEndpoint(deps(), event);
