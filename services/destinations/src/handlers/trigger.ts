import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { publishFromOrigin } from '../../../../replication/global-tables/publishFromOrigin.js';
import { lazily } from '../../../toolkit/environment.js';
import { withLambdaContext } from '../../../toolkit/logger.js';
import { documentClient } from '../adapters/documentClient.js';
import { dynamoPublishedLedger } from '../adapters/dynamoPublishedLedger.js';
import { kinesisPublicationCheck } from '../adapters/kinesisPublicationCheck.js';
import { kinesisPublisher } from '../adapters/kinesisPublisher.js';
import { eventStoreMessages } from '../app/eventStoreMessages.js';
import { functionLogger, setting, thisRegion } from './settings.js';

// Composition root of the event store's stream trigger: publish this region's writes, once.
const log = functionLogger();
const deps = lazily(() => {
  const streamName = setting('STREAM_NAME');
  return {
    region: thisRegion(),
    toMessage: eventStoreMessages(log),
    publish: kinesisPublisher(streamName),
    wasPublished: kinesisPublicationCheck(streamName),
    ledger: dynamoPublishedLedger(documentClient(), setting('PUBLISHED_TABLE')),
  };
});

// Not Powertools' batch processor: records are published in order, and the first failure stops the rest (see publishFromOrigin).
export const handler = withLambdaContext(log, async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const outcome = await publishFromOrigin(event.Records, deps());
  if (outcome.failure !== undefined) log.warn('publishing failed; the batch resumes from the reported record', { error: outcome.failure, published: outcome.published });
  else log.debug('published', { published: outcome.published, skipped: outcome.skipped, republishAvoided: outcome.republishAvoided });
  return { batchItemFailures: outcome.batchItemFailures };
});
