import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { s3ClientForRegion } from '../../../../replication/round-robin/regionS3.js';
import { lazily, requiredEnv } from '../../../toolkit/environment.js';
import { serviceLogger, withLambdaContext } from '../../../toolkit/logger.js';
import { viewBucket } from '../adapters/viewBucket.js';
import { viewEndpoint } from '../app/viewEndpoint.js';

/** GET /views/destinations/{id}: a destination's JSON view from this region's search bucket. */
const log = serviceLogger('search');
const deps = lazily(() => {
  const region = requiredEnv('AWS_REGION', 'the Lambda runtime (and the local cloud) sets it');
  const bucket = requiredEnv('SEARCH_BUCKET', 'services/search/serverless.yml sets it to this region’s search bucket');
  return { views: viewBucket(s3ClientForRegion(region, process.env), bucket), region };
});

export const handler = withLambdaContext(log, (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => viewEndpoint(deps(), event));
