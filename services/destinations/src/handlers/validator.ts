import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { lazily } from '../../../toolkit/environment.js';
import { withLambdaContext } from '../../../toolkit/logger.js';
import { documentClient } from '../adapters/documentClient.js';
import { dynamoEventStore } from '../adapters/dynamoEventStore.js';
import { createLocationValidator } from '../app/locationValidator.js';
import { functionLogger, setting, thisRegion } from './settings.js';

// Composition root of the location validator (a consumer of this region's event stream).
const log = functionLogger();
const validate = lazily(() =>
  createLocationValidator({
    store: dynamoEventStore(documentClient(), setting('EVENTS_TABLE'), thisRegion(), log),
    region: thisRegion(),
    clock: { now: Date.now },
    log,
  }),
);

export const handler = withLambdaContext(log, (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => validate()(event.Records));
