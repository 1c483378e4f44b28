import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { localCredentials } from '../../../../local/credentials.js';
import type { CloudStatus } from '../../../../local/cloud/localCloud.js';
import type { MeridianConfig } from '../../../../regions/config.js';
import { cloudStatus } from '../../../../local/test/support/cloudProcess.js';
import { apiBase, dynamoClients, until } from '../../../../local/test/support/regionClients.js';

/** What the e2e tests need of a running local cloud with the destinations service deployed (stage local). */
export const STAGE = 'local';
export const TABLES = { events: `destinations-${STAGE}-events`, readModel: `destinations-${STAGE}-read-model` };
export const STREAM = `destinations-${STAGE}-domain-events`;
export const EAST = 'us-east-1';
export const WEST = 'us-west-2';
export const REGIONS = [EAST, WEST] as const;

export interface Reply {
  status: number;
  region: string | null;
  body: Record<string, unknown>;
}

export interface Cloud {
  config: MeridianConfig;
  db: Record<string, DynamoDBClient>;
  kinesis: Record<string, KinesisClient>;
  /** `region` is a region name, or 'front-door'. */
  call(region: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  close(): void;
}

export function cloudClients(config: MeridianConfig): Cloud {
  const kinesis = Object.fromEntries(config.regions.map((r) => [r.region, new KinesisClient({
    region: r.region,
    endpoint: `http://127.0.0.1:${r.local.ports.streams}`,
    credentials: localCredentials,
  })]));
  const db = dynamoClients(config);
  const base = (region: string) => apiBase(config, region);
  return {
    config,
    db,
    kinesis,
    async call(region, method, path, body, headers = { 'content-type': 'application/json' }) {
      const res = await fetch(`${base(region)}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = { raw: text };
      }
      return { status: res.status, region: res.headers.get('x-meridian-region'), body: parsed };
    },
    close() {
      for (const c of [...Object.values(db), ...Object.values(kinesis)]) c.destroy();
    },
  };
}

/** Fails with what is missing when the running cloud has not deployed destinations into every region. */
export async function requireDeployed(config: MeridianConfig): Promise<CloudStatus> {
  const status = await cloudStatus(config);
  const missing = status?.regions.filter((r) => !r.deployed?.services.some((s) => s.service === 'destinations')).map((r) => r.region) ?? ['(no cloud)'];
  if (missing.length > 0) {
    throw new Error(`destinations is not deployed in ${missing.join(', ')}: the local cloud deploys services/*/serverless.yml at start (see \`npx meridian status\` and the cloud log)`);
  }
  return status!;
}

export async function scanAll(db: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Items sorted by key, for "unchanged" comparisons that do not depend on scan order. */
export const byKey = (items: Record<string, AttributeValue>[]) =>
  [...items].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
const keyOf = (i: Record<string, AttributeValue>) => `${i.partitionKey?.S ?? i.id?.S}/${i.eventId?.S ?? ''}`;

export interface StreamEvent {
  id: string;
  type: string;
  partitionKey: string;
  timestamp: number;
  tags: { region: string; user: string };
  validates?: string;
  /** The region whose stream carried it. */
  streamRegion: string;
  recordPartitionKey: string;
}

/** Every record on a region's destinations event stream, decoded. */
export async function streamEvents(kinesis: KinesisClient, region: string): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: STREAM }));
  for (const shard of Shards ?? []) {
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) {
        const event = JSON.parse(Buffer.from(r.Data ?? new Uint8Array()).toString('utf8')) as Omit<StreamEvent, 'streamRegion' | 'recordPartitionKey'>;
        // The regional health check puts a probe on the stream every interval (regions/health): not a domain event.
        if ((event as { type?: unknown }).type === 'HealthProbe') continue;
        out.push({ ...event, streamRegion: region, recordPartitionKey: r.PartitionKey ?? '' });
      }
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

export async function allStreamEvents(cloud: Cloud): Promise<StreamEvent[]> {
  return (await Promise.all(REGIONS.map((r) => streamEvents(cloud.kinesis[r]!, r)))).flat();
}

/** Puts an event back on a region's stream, as a redelivery would hand it to every consumer again. */
export async function redeliver(cloud: Cloud, event: StreamEvent): Promise<void> {
  const { streamRegion, recordPartitionKey, ...original } = event;
  await cloud.kinesis[streamRegion]!.send(new PutRecordCommand({ StreamName: STREAM, PartitionKey: recordPartitionKey, Data: new TextEncoder().encode(JSON.stringify(original)) }));
}

export const COMMAND_TYPES = ['destinationProposed', 'destinationUpdated', 'destinationRemoved'];
export const ANSWER_TYPES = ['geolocationValidationSucceeded', 'geolocationValidationFailed'];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The shared poll (local/test/support), with this suite's patience: a whole cloud is slower than one region. */
export const eventually = <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> => until(what, probe, ms);
