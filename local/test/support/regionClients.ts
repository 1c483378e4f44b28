import { ControlClient } from '../../../orchestrator/cli/controlClient.js';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { localCredentials } from '../../credentials.js';
import type { MeridianConfig } from '../../../regions/config.js';

/** Where a test sends HTTP: a region's API, or `'front-door'`. */
export function apiBase(config: MeridianConfig, where: string): string {
  if (where === 'front-door') return `http://127.0.0.1:${config.frontDoor.port}`;
  const rc = config.regions.find((r) => r.region === where);
  if (!rc) throw new Error(`no region ${where}; configured: ${config.regions.map((r) => r.region).join(', ')}`);
  return `http://127.0.0.1:${rc.local.ports.api}`;
}

/** A real SDK client per region, pointed at that region's DynamoDB endpoint. */
export function dynamoClients(config: MeridianConfig): Record<string, DynamoDBClient> {
  return Object.fromEntries(config.regions.map((r) => [r.region, new DynamoDBClient({
    region: r.region,
    endpoint: `http://127.0.0.1:${r.local.ports.dynamodb}`,
    credentials: localCredentials,
  })]));
}

export async function getItem(client: DynamoDBClient, table: string, key: Record<string, AttributeValue>) {
  return (await client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
}

/** Polls until `probe` returns a value; fails naming `what` and the last error seen after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function registerGlobalTable(config: MeridianConfig, tableName: string, mode: 'current' | 'legacy' = 'current'): Promise<void> {
  await new ControlClient(config).post('/_meridian/global-tables', {
    tableName,
    mode,
    keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
  });
}
