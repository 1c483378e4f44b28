import { startDynamoDbLocal } from '../../dynamodb/dynamoDbLocal.js';
import { freePort } from '../../http/freePort.js';

export interface RunningDynamodbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A real in-memory DynamoDB Local on a free port, for one test file: the local cloud's own launcher
 * (its watchdog kills the JVM if this test process dies without afterAll).
 */
export async function startDynamodbLocal(): Promise<RunningDynamodbLocal> {
  const ddb = await startDynamoDbLocal({ port: await freePort(), dataDir: null });
  return { endpoint: ddb.endpoint, stop: () => ddb.stop() };
}
