import { documentClient } from '../adapters/documentClient.js';
import { dynamoEventStore } from '../adapters/dynamoEventStore.js';
import { decodeRecords, type KinesisStreamEvent } from '../adapters/kinesisRecords.js';
import { createLocationValidator } from '../app/locationValidator.js';
import { functionLogger, requiredEnv } from './environment.js';

// Composition root of the location validator (a consumer of this region's event stream).
const region = requiredEnv('AWS_REGION');
const log = functionLogger();
const validate = createLocationValidator({
  store: dynamoEventStore(documentClient(), requiredEnv('EVENTS_TABLE'), region, log),
  region,
  clock: { now: Date.now },
  log,
});

export const handler = (event: KinesisStreamEvent) => validate(decodeRecords(event.Records));
