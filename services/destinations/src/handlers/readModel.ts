import { documentClient } from '../adapters/documentClient.js';
import { dynamoEventStore } from '../adapters/dynamoEventStore.js';
import { dynamoReadModel } from '../adapters/dynamoReadModel.js';
import { decodeRecords, type KinesisStreamEvent } from '../adapters/kinesisRecords.js';
import { createReadModelBuilder } from '../app/readModelBuilder.js';
import { functionLogger, requiredEnv } from './environment.js';

// Composition root of the read-model builder (a consumer of this region's event stream).
const region = requiredEnv('AWS_REGION');
const log = functionLogger();
const db = documentClient();
const build = createReadModelBuilder({
  events: dynamoEventStore(db, requiredEnv('EVENTS_TABLE'), region, log),
  readModel: dynamoReadModel(db, requiredEnv('READ_MODEL_TABLE'), region),
  log,
});

export const handler = (event: KinesisStreamEvent) => build(decodeRecords(event.Records));
