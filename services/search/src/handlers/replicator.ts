import type { SNSEvent } from 'aws-lambda';
import { replicateNotifications, replicatorSettings } from '../../../../replication/round-robin/replicateNotifications.js';
import { s3ClientForRegion } from '../../../../replication/round-robin/regionS3.js';
import { lazily } from '../../../toolkit/environment.js';
import { serviceLogger, withLambdaContext } from '../../../toolkit/logger.js';

/**
 * This region's search bucket notifications (through SNS) → the next region's search bucket
 * (replication/round-robin). Throws while the next region is unreachable: the topic redelivers.
 */
const log = serviceLogger('search');
const deps = lazily(() => {
  const settings = replicatorSettings(process.env);
  return {
    source: s3ClientForRegion(settings.region, process.env),
    next: s3ClientForRegion(settings.nextRegion, process.env),
    nextBucket: settings.nextBucket,
    ...(settings.nextBucketOwner === undefined ? {} : { nextBucketOwner: settings.nextBucketOwner }),
  };
});

export const handler = withLambdaContext(log, async (event: SNSEvent): Promise<void> => {
  log.info('replicated', { objects: await replicateNotifications(deps(), event) });
});
