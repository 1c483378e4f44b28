import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { loadConfig, sourcesFromEnv, type GlobalTableMode, type LocalPorts, type MeridianConfig, type RegionConfig } from '../../../../regions/config.js';
import { localCredentials } from '../../../../local/credentials.js';
import type { DeploymentRecord } from '../../../../local/deploy/deploymentRecords.js';
import { GlobalTableReplicator } from '../../../../local/global-tables/globalTableReplicator.js';
import { ReplicationState } from '../../../../local/global-tables/replicationState.js';
import { freePort } from '../../../../local/http/freePort.js';
import { startRegionServices, type GlobalTableHooks, type RegionServices } from '../../../../local/region/regionServices.js';
import { openSqlite } from '../../../../local/storage/sqlite.js';

/*
 * Local regions in this process, for integration tests: each region is what a region host runs
 * (local/region/regionServices.ts: DynamoDB Local, event stream, function runtime, topics, object store,
 * search, the regional API), and the service is deployed by that region's own LocalDeployer from
 * services/destinations/serverless.yml, as `meridian dp` deploys it. Between the regions, the supervisor's
 * part: the global-table replicator. Left out: the supervisor's processes and the front door, so a file
 * starts in seconds and can reach into a region (its stream, its function runtime, its replicator).
 */

const SERVICE_DIR = fileURLToPath(new URL('../..', import.meta.url));
// Throwaway state: on tmpfs, DynamoDB Local's files cost no disk I/O (the machine's disk is shared and busy).
const STATE_ROOT = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

export interface HarnessRegion {
  region: string;
  /** The region's config, as its services and deployer read it. */
  config: RegionConfig;
  services: RegionServices;
  db: DynamoDBClient;
  kinesis: KinesisClient;
}

export interface DeployedStage {
  stage: string;
  eventsTable: string;
  readModelTable: string;
  publishedTable: string;
  streamName: string;
  /** Function names by their key in serverless.yml (`api`, `trigger`, ...). */
  functions: Record<string, string>;
}

export interface Harness {
  regions: Record<string, HarnessRegion>;
  replicator: GlobalTableReplicator;
  /**
   * Deploys the service for `stage` into every region, one region after the other as `meridian dp` does.
   * `globalTables` sets the regions' globalTables.mode first (config/<region>.yml's key): the deployer reads
   * its region's config at every deploy, so one set of regions serves both modes without restarting.
   */
  deploy(stage: string, opts?: { globalTables?: GlobalTableMode }): Promise<DeployedStage>;
  close(): Promise<void>;
}

/** Starts `regionNames` (configured in config/) on free ports, with their state in a fresh temp dir. */
export async function startHarness(regionNames: string[]): Promise<Harness> {
  const dir = mkdtempSync(join(STATE_ROOT, 'meridian-destinations-'));
  const config = await onFreePorts(loadConfig({ ...sourcesFromEnv(), stateDir: dir }));
  const configs = regionNames.map((name) => {
    const rc = config.regions.find((r) => r.region === name);
    if (!rc) throw new Error(`no region ${name} in ${config.configDir}`);
    return rc;
  });
  const regions: Record<string, HarnessRegion> = {};
  const replicationDb = openSqlite(join(dir, 'replication.sqlite'));
  const replicator = new GlobalTableReplicator({
    regions: configs.map((rc) => ({ region: rc.region, endpoint: `http://127.0.0.1:${rc.local.ports.dynamodb}` })),
    state: new ReplicationState(replicationDb),
  });
  // What the supervisor answers a region host: replication ends only when no region deploys the table.
  const hooks = (region: string): GlobalTableHooks => ({
    registerGlobalTable: (def) => replicator.register(def),
    releaseGlobalTable: async (tableName) => {
      const held = Object.values(regions).some((r) => r.region !== region && r.services.deployer.holdsGlobalTable(tableName));
      if (!held) replicator.unregister(tableName);
      return !held;
    },
  });
  const close = async () => {
    await replicator.stop();
    for (const r of Object.values(regions)) {
      r.db.destroy();
      r.kinesis.destroy();
      await r.services.close();
    }
    replicationDb.close();
    rmSync(dir, { recursive: true, force: true });
  };
  // Every region settles before a failure is thrown, so close() stops whatever did start.
  const started = await Promise.allSettled(configs.map(async (rc) => {
    const services = await startRegionServices(config, rc, (line) => console.warn(`[${rc.region}] ${line}`), hooks(rc.region));
    const client = { region: rc.region, credentials: localCredentials };
    regions[rc.region] = {
      region: rc.region,
      config: rc,
      services,
      db: new DynamoDBClient({ ...client, endpoint: services.endpoints.dynamodb }),
      kinesis: new KinesisClient({ ...client, endpoint: services.endpoints.streams }),
    };
  }));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  replicator.start();

  return {
    regions,
    replicator,
    async deploy(stage, opts = {}) {
      const records: DeploymentRecord[] = [];
      for (const r of regionNames.map((name) => regions[name]!)) {
        if (opts.globalTables) r.config.globalTables.mode = opts.globalTables;
        records.push(await r.services.deployer.deploy(SERVICE_DIR, stage));
      }
      return deployedStage(records[0]!);
    },
    close,
  };
}

/** The configured regions with every port moved to a free one: beside the run's own local cloud and any other. */
async function onFreePorts(config: MeridianConfig): Promise<MeridianConfig> {
  const regions: RegionConfig[] = [];
  for (const rc of config.regions) {
    const ports: LocalPorts = { api: await freePort(), dynamodb: await freePort(), objects: await freePort(), streams: await freePort(), topics: await freePort(), search: await freePort() };
    regions.push({ ...rc, globalTables: { ...rc.globalTables }, local: { ports } });
  }
  return { ...config, regions, frontDoor: { port: await freePort() }, recovery: { ...config.recovery, ports: { objects: await freePort() } } };
}

/** Names from what the deployer recorded (resources by logical id, functions as `<service>-<stage>-<key>`). */
function deployedStage(record: DeploymentRecord): DeployedStage {
  const physicalId = (logicalId: string) => {
    const found = record.resources.find((r) => r.logicalId === logicalId);
    if (!found) throw new Error(`${record.service} deployed no ${logicalId}: serverless.yml changed?`);
    return found.physicalId;
  };
  const prefix = `${record.service}-${record.stage}-`;
  return {
    stage: record.stage,
    eventsTable: physicalId('EventsTable'),
    readModelTable: physicalId('ReadModelTable'),
    publishedTable: physicalId('PublishedTable'),
    streamName: physicalId('EventStream'),
    functions: Object.fromEntries(record.functions.map((f) => [f.name.startsWith(prefix) ? f.name.slice(prefix.length) : f.name, f.name])),
  };
}

export interface ApiReply {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A request to the region's API endpoint, which hands the function an API Gateway REST proxy event. */
export async function callApi(r: HarnessRegion, method: string, path: string, body?: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<ApiReply> {
  const res = await fetch(`${r.services.endpoints.api}${path}`, {
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
    throw new Error(`${method} ${path} in ${r.region}: ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
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
  const { streams } = r.services;
  const out: PublishedEvent[] = [];
  for (const shardId of streams.shardIds(streamName)) {
    let after: string | undefined;
    for (;;) {
      const batch = streams.readShard(streamName, shardId, { ...(after ? { afterSequenceNumber: after } : { from: 'TRIM_HORIZON' }), limit: 1000 });
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
