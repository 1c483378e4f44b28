import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { localCredentials } from '../../../../local/credentials.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../../../local/dynamodb/dynamoDbLocal.js';
import { startEventStream, type EventStreamServer } from '../../../../local/event-stream/index.js';
import { createFunctionRuntime, type FunctionRuntime } from '../../../../local/functions/index.js';
import { freePort } from '../../../../local/http/freePort.js';
import { openSqlite } from '../../../../local/storage/sqlite.js';
import { GlobalTableReplicator } from '../../../../local/global-tables/globalTableReplicator.js';
import { ReplicationState, type GlobalTableDefinition } from '../../../../local/global-tables/replicationState.js';
import type { GlobalTableMode } from '../../../../regions/config.js';
import { isIntrinsic, loadService, type CfResource, type ServiceDefinition } from '../../../../orchestrator/service-definition/index.js';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { apiGatewayEvent } from '../../../toolkit/test/support/lambdaEvents.js';

/*
 * Real components without the whole cloud, for integration tests: per region a DynamoDB Local JVM,
 * an event stream and a function runtime; between regions the global-table replicator. The service
 * is deployed from its own serverless.yml (tables, stream, functions with their environment, stream
 * mappings), so these tests also check that the file gives the handlers what they need. This is a
 * deliberately small stand-in for local/deploy, limited to what this service declares.
 */

const SERVICE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const ACCOUNT = '111111111111';

export interface HarnessRegion {
  region: string;
  dynamodb: DynamoDbLocal;
  streams: EventStreamServer;
  runtime: FunctionRuntime;
  db: DynamoDBClient;
  kinesis: KinesisClient;
}

export interface Harness {
  regions: Record<string, HarnessRegion>;
  replicator?: GlobalTableReplicator;
  dir: string;
  close(): Promise<void>;
}

/** Starts the regions' components; with `replicate`, a global-table replicator between them. */
export async function startHarness(regionNames: string[], opts: { replicate: boolean }): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-destinations-'));
  const regions: Record<string, HarnessRegion> = {};
  await Promise.all(regionNames.map(async (region) => {
    const dynamodb = await startDynamoDbLocal({ port: await freePort(), dataDir: null });
    const streams = await startEventStream({ region, accountId: ACCOUNT, port: 0, dataDir: join(dir, region, 'streams') });
    const runtime = createFunctionRuntime({
      region,
      accountId: ACCOUNT,
      dataDir: join(dir, region, 'functions'),
      regionEnvironment: {
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
        AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamodb.endpoint,
        AWS_ENDPOINT_URL_KINESIS: streams.url,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        LOG_LEVEL: 'warn',
      },
    });
    const client = { region, credentials: localCredentials };
    regions[region] = {
      region,
      dynamodb,
      streams,
      runtime,
      db: new DynamoDBClient({ ...client, endpoint: dynamodb.endpoint }),
      kinesis: new KinesisClient({ ...client, endpoint: streams.url }),
    };
  }));
  const replicator = opts.replicate
    ? new GlobalTableReplicator({
        regions: regionNames.map((region) => ({ region, endpoint: regions[region]!.dynamodb.endpoint })),
        state: new ReplicationState(openSqlite(join(dir, 'replication.sqlite'))),
      })
    : undefined;
  replicator?.start();
  return {
    regions,
    ...(replicator ? { replicator } : {}),
    dir,
    async close() {
      await replicator?.stop();
      for (const r of Object.values(regions)) {
        await r.runtime.close();
        r.db.destroy();
        r.kinesis.destroy();
        await r.streams.close();
        await r.dynamodb.stop();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface DeployedStage {
  stage: string;
  eventsTable: string;
  readModelTable: string;
  publishedTable: string;
  streamName: string;
  /** The API function's name in every region. */
  apiFunction: string;
}

/** Deploys services/destinations/serverless.yml for `stage` into every region of the harness. */
export async function deployStage(h: Harness, stage: string, mode: GlobalTableMode = 'current'): Promise<DeployedStage> {
  const defs = Object.values(h.regions).map((r) => ({ r, service: loadService(SERVICE_DIR, { stage, region: r.region }) }));
  for (const { r, service } of defs) await createResources(r, service);
  if (h.replicator) {
    for (const table of globalTables(defs[0]!.service)) await h.replicator.register(globalDefinition(table, mode));
  }
  for (const { r, service } of defs) await deployFunctions(r, service);
  const props = (id: string) => defs[0]!.service.resources.find((x) => x.logicalId === id)!.Properties;
  return {
    stage,
    eventsTable: props('EventsTable').TableName as string,
    readModelTable: props('ReadModelTable').TableName as string,
    publishedTable: props('PublishedTable').TableName as string,
    streamName: props('EventStream').Name as string,
    apiFunction: defs[0]!.service.functions.find((f) => f.key === 'api')!.name,
  };
}

function globalTables(service: ServiceDefinition): CfResource[] {
  const listed = (service.custom.autoscaling as { table: string; global?: boolean }[] | undefined) ?? [];
  return service.resources.filter((r) => listed.some((a) => a.table === r.logicalId && a.global));
}

function globalDefinition(table: CfResource, mode: GlobalTableMode): GlobalTableDefinition {
  return {
    tableName: table.Properties.TableName as string,
    mode,
    keySchema: table.Properties.KeySchema as GlobalTableDefinition['keySchema'],
    attributeDefinitions: table.Properties.AttributeDefinitions as GlobalTableDefinition['attributeDefinitions'],
  };
}

async function createResources(r: HarnessRegion, service: ServiceDefinition): Promise<void> {
  for (const res of service.resources) {
    if (res.Type === 'AWS::DynamoDB::Table') {
      await r.db.send(new CreateTableCommand({
        TableName: res.Properties.TableName as string,
        KeySchema: res.Properties.KeySchema as CreateTableCommand['input']['KeySchema'],
        AttributeDefinitions: res.Properties.AttributeDefinitions as CreateTableCommand['input']['AttributeDefinitions'],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }));
    } else if (res.Type === 'AWS::Kinesis::Stream') {
      await r.kinesis.send(new CreateStreamCommand({ StreamName: res.Properties.Name as string, ShardCount: res.Properties.ShardCount as number }));
    }
  }
}

async function deployFunctions(r: HarnessRegion, service: ServiceDefinition): Promise<void> {
  for (const fn of service.functions) {
    const environment: Record<string, string> = {};
    for (const [name, value] of Object.entries(fn.environment)) {
      if (typeof value !== 'string') throw new Error(`${fn.key}: environment ${name} is not a plain value; this harness deploys plain values only`);
      environment[name] = value;
    }
    // Quiet workers unless asked: the tests' own assertions say what happened.
    environment.LOG_LEVEL = process.env.DESTINATIONS_TEST_LOG_LEVEL ?? 'warn';
    await r.runtime.deploy({ name: fn.name, handlerFile: fn.handlerFile, handlerExport: fn.handlerExport, environment, timeoutSeconds: fn.timeout });
    for (const [i, event] of fn.events.entries()) {
      if (event.type !== 'stream') continue;
      const target = referencedResource(service, event.arn);
      const common = {
        id: `${fn.name}-${i}`,
        functionName: fn.name,
        batchSize: event.batchSize,
        startingPosition: event.startingPosition === 'LATEST' ? ('LATEST' as const) : ('TRIM_HORIZON' as const),
        ...(event.maximumRetryAttempts !== undefined ? { maximumRetryAttempts: event.maximumRetryAttempts } : {}),
      };
      if (event.source === 'dynamodb') {
        await r.runtime.addEventSource({ ...common, type: 'dynamodb', endpoint: r.dynamodb.endpoint, tableName: target.Properties.TableName as string });
      } else {
        await r.runtime.addEventSource({ ...common, type: 'kinesis', endpoint: r.streams.url, streamName: target.Properties.Name as string });
      }
    }
  }
}

/** `!GetAtt Logical.Attr` → the resource. */
function referencedResource(service: ServiceDefinition, arn: unknown): CfResource {
  const getAtt = isIntrinsic(arn) ? (arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] : undefined;
  const found = getAtt && service.resources.find((r) => r.logicalId === getAtt[0]);
  if (!found) throw new Error(`stream arn ${JSON.stringify(arn)} does not name a resource of the service`);
  return found;
}

/** Calls the API function as API Gateway would (REST proxy event, v1). */
export async function callApi(r: HarnessRegion, stage: DeployedStage, method: string, path: string, body?: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const id = /^\/destinations\/([^/]+)$/.exec(path)?.[1];
  const event = apiGatewayEvent({
    resource: id ? '/destinations/{id}' : '/destinations',
    path,
    httpMethod: method,
    headers,
    pathParameters: id ? { id } : null,
    requestContext: { requestId: `test-${Date.now()}` },
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const result = (await r.runtime.invoke(stage.apiFunction, event)) as APIGatewayProxyResult;
  return { status: result.statusCode, headers: result.headers ?? {}, body: JSON.parse(result.body) as Record<string, unknown> };
}

/** Every item of a table (small test tables), for "nothing changed" checks. */
export async function scanAll(r: HarnessRegion, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await r.db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

export interface PublishedEvent {
  id: string;
  type: string;
  partitionKey: string;
  tags: { region: string; user: string };
  /** Kinesis's partition key of the record. */
  recordPartitionKey: string;
  [field: string]: unknown;
}

/** Every record on a region's event stream, decoded. */
export function publishedEvents(r: HarnessRegion, streamName: string): PublishedEvent[] {
  const out: PublishedEvent[] = [];
  for (const shardId of r.streams.shardIds(streamName)) {
    let after: string | undefined;
    for (;;) {
      const batch = r.streams.readShard(streamName, shardId, { ...(after ? { afterSequenceNumber: after } : { from: 'TRIM_HORIZON' }), limit: 1000 });
      for (const rec of batch.records) {
        const event = JSON.parse(Buffer.from(String(rec.Data), 'base64').toString('utf8')) as PublishedEvent;
        out.push({ ...event, recordPartitionKey: String(rec.PartitionKey) });
      }
      if (batch.records.length === 0) break;
      after = batch.next;
    }
  }
  return out;
}

export { until as eventually } from '../../../../local/test/support/regionClients.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
