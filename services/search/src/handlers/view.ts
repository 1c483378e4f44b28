import { s3ClientForRegion } from '../../../../replication/round-robin/regionS3.js';
import { viewBucket } from '../adapters/viewBucket.js';
import { viewEndpoint } from '../app/viewEndpoint.js';
import type { ApiGatewayEvent, ApiGatewayResult } from '../http/lambdaEvents.js';
import { lazily, required } from './environment.js';

/** GET /views/destinations/{id}: a destination's JSON view from this region's search bucket. */
const deps = lazily(() => {
  const region = required(process.env, 'AWS_REGION', 'the function runtime sets it');
  const bucket = required(process.env, 'SEARCH_BUCKET', 'serverless.yml sets it to this region’s search bucket');
  return { views: viewBucket(s3ClientForRegion(region, process.env), bucket), region };
});

export const handler = (event: ApiGatewayEvent): Promise<ApiGatewayResult> => viewEndpoint(deps(), event);
