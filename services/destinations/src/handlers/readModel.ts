import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { lazily } from '../../../toolkit/environment.js';
import { withLambdaContext } from '../../../toolkit/logger.js';
import { documentClient } from '../adapters/documentClient.js';
import { dynamoEventStore } from '../adapters/dynamoEventStore.js';
import { dynamoReadModel } from '../adapters/dynamoReadModel.js';
import { decodeRecords } from '../adapters/kinesisRecords.js';
import { createReadModelBuilder } from '../app/readModelBuilder.js';
import { functionLogger, setting, thisRegion } from './settings.js';

// Composition root of the read-model builder (a consumer of this region's event stream).
const log = functionLogger();
const build = lazily(() => {
  const db = documentClient();
  return createReadModelBuilder({
    events: dynamoEventStore(db, setting('EVENTS_TABLE'), thisRegion(), log),
    readModel: dynamoReadModel(db, setting('READ_MODEL_TABLE'), thisRegion()),
    log,
  });
});

export const handler = withLambdaContext(log, (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => build()(decodeRecords(event.Records)));
