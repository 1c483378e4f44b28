import { publishFromOrigin, type BatchItemFailures, type TableStreamRecord } from '../../../../replication/global-tables/publishFromOrigin.js';
import { documentClient } from '../adapters/documentClient.js';
import { dynamoPublishedLedger } from '../adapters/dynamoPublishedLedger.js';
import { kinesisPublicationCheck } from '../adapters/kinesisPublicationCheck.js';
import { kinesisPublisher } from '../adapters/kinesisPublisher.js';
import { eventStoreMessages } from '../app/eventStoreMessages.js';
import { functionLogger, requiredEnv } from './environment.js';

// Composition root of the event store's stream trigger: publish this region's writes, once.
const region = requiredEnv('AWS_REGION');
const log = functionLogger();
const streamName = requiredEnv('STREAM_NAME');
const publish = kinesisPublisher(streamName);
const wasPublished = kinesisPublicationCheck(streamName);
const toMessage = eventStoreMessages(log);
const ledger = dynamoPublishedLedger(documentClient(), requiredEnv('PUBLISHED_TABLE'));

export const handler = async (event: { Records: TableStreamRecord[] }): Promise<BatchItemFailures> => {
  const outcome = await publishFromOrigin(event.Records, { region, toMessage, publish, ledger, wasPublished });
  if (outcome.failure !== undefined) log.warn('publishing failed; the batch resumes from the reported record', { error: outcome.failure, published: outcome.published });
  else log.debug('published', { published: outcome.published, skipped: outcome.skipped, republishAvoided: outcome.republishAvoided });
  return { batchItemFailures: outcome.batchItemFailures };
};
