import { s3ClientForRegion } from '../../../../replication/round-robin/regionS3.js';
import { viewBucket } from '../adapters/viewBucket.js';
import { jsonLog } from '../app/log.js';
import { applyReadModelChanges } from '../app/viewListener.js';
import type { BatchResponse, DynamoDbStreamEvent } from '../http/lambdaEvents.js';
import { lazily, required } from './environment.js';

/** Destinations read-model stream → this region's search bucket (views of writes taken in this region). */
const deps = lazily(() => {
  const region = required(process.env, 'AWS_REGION', 'the function runtime sets it');
  const bucket = required(process.env, 'SEARCH_BUCKET', 'serverless.yml sets it to this region’s search bucket');
  return { views: viewBucket(s3ClientForRegion(region, process.env), bucket), region, log: jsonLog('listener') };
});

export const handler = (event: DynamoDbStreamEvent): Promise<BatchResponse> => applyReadModelChanges(deps(), event);
