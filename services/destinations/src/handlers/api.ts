import { documentClient } from '../adapters/documentClient.js';
import { dynamoEventStore } from '../adapters/dynamoEventStore.js';
import { dynamoReadModel } from '../adapters/dynamoReadModel.js';
import { createApi } from '../app/api.js';
import { createCommands } from '../app/commands.js';
import { newDestinationId, timeOrderedId } from '../domain/ids.js';
import { functionLogger, requiredEnv } from './environment.js';

// Composition root of the HTTP API: configuration from the environment, logic from app/.
const region = requiredEnv('AWS_REGION');
const log = functionLogger();
const db = documentClient();

export const handler = createApi({
  commands: createCommands({
    store: dynamoEventStore(db, requiredEnv('EVENTS_TABLE'), region, log),
    region,
    clock: { now: Date.now },
    newEventId: timeOrderedId,
    newDestinationId,
  }),
  readModel: dynamoReadModel(db, requiredEnv('READ_MODEL_TABLE'), region),
  region,
  log,
});
