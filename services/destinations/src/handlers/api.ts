import type { APIGatewayProxyEvent } from 'aws-lambda';
import { lazily } from '../../../toolkit/environment.js';
import { withLambdaContext } from '../../../toolkit/logger.js';
import { documentClient } from '../adapters/documentClient.js';
import { dynamoEventStore } from '../adapters/dynamoEventStore.js';
import { dynamoIdempotencyStore } from '../adapters/dynamoIdempotencyStore.js';
import { dynamoReadModel } from '../adapters/dynamoReadModel.js';
import { createApi } from '../app/api.js';
import { createCommands } from '../app/commands.js';
import { createIdempotently } from '../app/idempotency.js';
import { newDestinationId, timeOrderedId } from '../domain/ids.js';
import { functionLogger, setting, thisRegion } from './settings.js';

// Composition root of the HTTP API: configuration from the environment, logic from app/.
const log = functionLogger();
const api = lazily(() => {
  const region = thisRegion();
  const db = documentClient();
  const clock = { now: Date.now };
  return createApi({
    commands: createCommands({
      store: dynamoEventStore(db, setting('EVENTS_TABLE'), region, log),
      region,
      clock,
      newEventId: timeOrderedId,
      newDestinationId,
    }),
    idempotently: createIdempotently(dynamoIdempotencyStore(db, setting('IDEMPOTENCY_TABLE')), clock),
    readModel: dynamoReadModel(db, setting('READ_MODEL_TABLE'), region),
    region,
    log,
  });
});

export const handler = withLambdaContext(log, (event: APIGatewayProxyEvent) => api()(event));
