import { replicateNotifications, replicatorSettings } from '../../../../replication/round-robin/replicateNotifications.js';
import { s3ClientForRegion } from '../../../../replication/round-robin/regionS3.js';
import type { SnsLambdaEvent } from '../../../../replication/round-robin/s3Notifications.js';
import { jsonLog } from '../app/log.js';
import { lazily } from './environment.js';

/**
 * This region's search bucket notifications (through SNS) → the next region's search bucket
 * (replication/round-robin). Throws while the next region is unreachable: the topic redelivers.
 */
const deps = lazily(() => {
  const settings = replicatorSettings(process.env);
  return {
    hop: {
      source: s3ClientForRegion(settings.region, process.env),
      next: s3ClientForRegion(settings.nextRegion, process.env),
      nextBucket: settings.nextBucket,
      ...(settings.nextBucketOwner === undefined ? {} : { nextBucketOwner: settings.nextBucketOwner }),
    },
    log: jsonLog('replicator'),
  };
});

export const handler = async (event: SnsLambdaEvent): Promise<void> => {
  const d = deps();
  d.log.info('replicated', { objects: await replicateNotifications(d.hop, event) });
};
