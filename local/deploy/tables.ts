import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
  type GlobalSecondaryIndex,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { parseArn } from '../../regions/arn.js';
import type { GlobalTableMode } from '../../regions/config.js';
import type { GlobalTableDefinition } from '../global-tables/replicationState.js';
import { DeployError } from './errors.js';
import type { RegionClients } from './regionClients.js';

type Props = Record<string, unknown>;
const NEW_AND_OLD = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const };

/**
 * Creates the table, or brings an existing one in line (stream, missing indexes, TTL): a redeploy, or a
 * replica the global-table replicator created before this region's deploy reached it.
 */
export async function applyTable(clients: RegionClients, name: string, props: Props, global: boolean): Promise<TableDescription> {
  const input = createTableInput(name, props, global);
  try {
    await clients.dynamodb.send(new CreateTableCommand(input));
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e;
    await reconcile(clients, input);
  }
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (ttl?.AttributeName && ttl.Enabled) {
    await clients.dynamodb
      .send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }))
      .catch((e: Error) => {
        if (!/already enabled/i.test(e.message)) throw e;
      });
  }
  return describe(clients, name);
}

export async function deleteTable(clients: RegionClients, name: string): Promise<void> {
  await clients.dynamodb.send(new DeleteTableCommand({ TableName: name })).catch((e) => {
    if (!(e instanceof ResourceNotFoundException)) throw e;
  });
}

export function globalDefinition(input: { name: string; props: Props }, mode: GlobalTableMode): GlobalTableDefinition {
  return {
    tableName: input.name,
    mode,
    keySchema: input.props.KeySchema as GlobalTableDefinition['keySchema'],
    attributeDefinitions: input.props.AttributeDefinitions as GlobalTableDefinition['attributeDefinitions'],
  };
}

export function tableArn(region: string, accountId: string, name: string): string {
  return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
}

/** `.../table/<name>/stream/<label>` (DynamoDB Local's ARNs say region `ddblocal`) → the table name. */
export function tableFromStreamArn(text: string): string | undefined {
  const arn = parseArn(text);
  return arn?.service === 'dynamodb' ? /^table\/([^/]+)\/stream\//.exec(arn.resource)?.[1] : undefined;
}

function createTableInput(name: string, props: Props, global: boolean): CreateTableCommandInput {
  if (!Array.isArray(props.KeySchema) || !Array.isArray(props.AttributeDefinitions)) {
    throw new DeployError(`table ${name}: KeySchema and AttributeDefinitions are required`);
  }
  const stream = props.StreamSpecification as { StreamViewType?: string } | undefined;
  // Capacity is AWS's concern: locally every table is on demand, which accepts any load.
  const gsis = (props.GlobalSecondaryIndexes as Props[] | undefined)?.map((g) => ({
    IndexName: g.IndexName,
    KeySchema: g.KeySchema,
    Projection: g.Projection,
  })) as GlobalSecondaryIndex[] | undefined;
  const lsis = (props.LocalSecondaryIndexes as Props[] | undefined)?.map((l) => ({ IndexName: l.IndexName, KeySchema: l.KeySchema, Projection: l.Projection }));
  return {
    TableName: name,
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: props.AttributeDefinitions as AttributeDefinition[],
    BillingMode: 'PAY_PER_REQUEST',
    ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis?.length ? { LocalSecondaryIndexes: lsis as CreateTableCommandInput['LocalSecondaryIndexes'] } : {}),
    // A global table always streams both images: replication reads them.
    ...(global ? { StreamSpecification: NEW_AND_OLD } : stream?.StreamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_AND_OLD_IMAGES' } } : {}),
  };
}

async function reconcile(clients: RegionClients, input: CreateTableCommandInput): Promise<void> {
  const table = await describe(clients, input.TableName!);
  const keys = (k: { AttributeName?: string; KeyType?: string }[] | undefined) => JSON.stringify((k ?? []).map((e) => [e.AttributeName, e.KeyType]));
  if (keys(table.KeySchema) !== keys(input.KeySchema)) {
    throw new DeployError(`table ${input.TableName} exists with key schema ${keys(table.KeySchema)}, the service declares ${keys(input.KeySchema)}; a key cannot change in place: remove the table (or the service) first`);
  }
  const wanted = input.StreamSpecification;
  if (wanted && table.StreamSpecification?.StreamViewType !== wanted.StreamViewType) {
    if (table.StreamSpecification?.StreamEnabled) {
      await clients.dynamodb.send(new UpdateTableCommand({ TableName: input.TableName, StreamSpecification: { StreamEnabled: false } }));
    }
    await clients.dynamodb.send(new UpdateTableCommand({ TableName: input.TableName, StreamSpecification: wanted }));
  }
  const existing = new Set((table.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  for (const gsi of input.GlobalSecondaryIndexes ?? []) {
    if (existing.has(gsi.IndexName)) continue;
    await clients.dynamodb.send(new UpdateTableCommand({
      TableName: input.TableName,
      AttributeDefinitions: input.AttributeDefinitions,
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection } }],
    }));
  }
}

async function describe(clients: RegionClients, name: string): Promise<TableDescription> {
  const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: name }));
  if (!Table) throw new DeployError(`table ${name} has no description`);
  return Table;
}
