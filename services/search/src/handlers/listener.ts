import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { s3ClientForRegion } from '../../../../replication/round-robin/regionS3.js';
import { lazily, requiredEnv } from '../../../toolkit/environment.js';
import { serviceLogger, withLambdaContext } from '../../../toolkit/logger.js';
import { viewBucket } from '../adapters/viewBucket.js';
import { applyReadModelChanges } from '../app/viewListener.js';

/** Destinations read-model stream → this region's search bucket (views of writes taken in this region). */
const log = serviceLogger('search');
const deps = lazily(() => {
  const region = requiredEnv('AWS_REGION', 'the Lambda runtime (and the local cloud) sets it');
  const bucket = requiredEnv('SEARCH_BUCKET', 'services/search/serverless.yml sets it to this region’s search bucket');
  return { views: viewBucket(s3ClientForRegion(region, process.env), bucket), region, log };
});

// Not Powertools' batch processor: a destination's later change must wait for its failed earlier one (see applyReadModelChanges).
export const handler = withLambdaContext(log, (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => applyReadModelChanges(deps(), event));
