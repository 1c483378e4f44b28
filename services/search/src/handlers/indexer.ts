import type { SnsLambdaEvent } from '../../../../replication/round-robin/s3Notifications.js';
import { s3ClientForRegion } from '../../../../replication/round-robin/regionS3.js';
import { searchViewFromEnv } from '../adapters/searchViewFromEnv.js';
import { indexNotifications } from '../app/indexer.js';
import { jsonLog } from '../app/log.js';
import { lazily, required } from './environment.js';

/** This region's search bucket notifications (through SNS) → this region's search engine. */
const deps = lazily(() => {
  const region = required(process.env, 'AWS_REGION', 'the function runtime sets it');
  return { s3: s3ClientForRegion(region, process.env), search: searchViewFromEnv(process.env), log: jsonLog('indexer') };
});

export const handler = async (event: SnsLambdaEvent): Promise<void> => {
  const d = deps();
  d.log.info('indexed', { objects: await indexNotifications(d, event) });
};
