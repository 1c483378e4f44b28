import type { SNSEvent } from 'aws-lambda';
import { s3ClientForRegion } from '../../../../replication/round-robin/regionS3.js';
import { lazily, requiredEnv } from '../../../toolkit/environment.js';
import { serviceLogger, withLambdaContext } from '../../../toolkit/logger.js';
import { searchViewFromEnv } from '../adapters/searchViewFromEnv.js';
import { indexNotifications } from '../app/indexer.js';

/**
 * This region's search bucket notifications (through SNS) → this region's search engine. SNS has no
 * partial answer: a failure throws, and the topic delivers the message again.
 */
const log = serviceLogger('search');
const deps = lazily(() => {
  const region = requiredEnv('AWS_REGION', 'the Lambda runtime (and the local cloud) sets it');
  return { s3: s3ClientForRegion(region, process.env), search: searchViewFromEnv(process.env), log };
});

export const handler = withLambdaContext(log, async (event: SNSEvent): Promise<void> => {
  const d = deps();
  d.log.info('indexed', { objects: await indexNotifications(d, event) });
});
