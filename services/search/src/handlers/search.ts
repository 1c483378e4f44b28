import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { lazily, requiredEnv } from '../../../toolkit/environment.js';
import { serviceLogger, withLambdaContext } from '../../../toolkit/logger.js';
import { searchViewFromEnv } from '../adapters/searchViewFromEnv.js';
import { searchEndpoint } from '../app/searchEndpoint.js';

/** GET /search?q=&size=: this region's search view. */
const log = serviceLogger('search');
const deps = lazily(() => ({
  search: searchViewFromEnv(process.env),
  frontDoorUrl: process.env.MERIDIAN_FRONT_DOOR_URL || undefined,
  region: requiredEnv('AWS_REGION', 'the Lambda runtime (and the local cloud) sets it'),
  log,
}));

export const handler = withLambdaContext(log, (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => searchEndpoint(deps(), event));
