import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { lazily } from '../../../toolkit/environment.js';
import { withLambdaContext } from '../../../toolkit/logger.js';
import { documentClient } from '../adapters/documentClient.js';
import { dynamoEventStore } from '../adapters/dynamoEventStore.js';
import { dynamoReadModel } from '../adapters/dynamoReadModel.js';
import { createReadModelConvergence } from '../app/readModelConvergence.js';
import { functionLogger, setting, thisRegion } from './settings.js';

// Composition root of read-model convergence (on both global tables' streams, other regions' records only).
const log = functionLogger();
const converge = lazily(() => {
  const db = documentClient();
  return createReadModelConvergence({
    events: dynamoEventStore(db, setting('EVENTS_TABLE'), thisRegion(), log),
    readModel: dynamoReadModel(db, setting('READ_MODEL_TABLE'), thisRegion()),
    region: thisRegion(),
    log,
  });
});

export const handler = withLambdaContext(log, (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => converge()(event.Records));
