import type { TableStreamRecord } from '../../../../replication/global-tables/publishFromOrigin.js';
import { documentClient } from '../adapters/documentClient.js';
import { dynamoEventStore } from '../adapters/dynamoEventStore.js';
import { dynamoReadModel } from '../adapters/dynamoReadModel.js';
import { createReadModelConvergence } from '../app/readModelConvergence.js';
import { functionLogger, requiredEnv } from './environment.js';

// Composition root of read-model convergence (on both global tables' streams, other regions' records only).
const region = requiredEnv('AWS_REGION');
const log = functionLogger();
const db = documentClient();
const converge = createReadModelConvergence({
  events: dynamoEventStore(db, requiredEnv('EVENTS_TABLE'), region, log),
  readModel: dynamoReadModel(db, requiredEnv('READ_MODEL_TABLE'), region),
  region,
  log,
});

export const handler = (event: { Records: TableStreamRecord[] }) => converge(event.Records);
