import { join } from 'node:path';
import { functionNameFromArn } from '../../regions/arn.js';
import type { MeridianConfig, RegionConfig } from '../../regions/config.js';
import type { GlobalTableDefinition } from '../global-tables/replicationState.js';
import { LocalDeployer, recordsDirFor } from '../deploy/localDeployer.js';
import { regionClients } from '../deploy/regionClients.js';
import { localCredentials } from '../credentials.js';
import { startDynamoDbFront, type DynamoDbFront } from '../dynamodb/dynamoDbFront.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../dynamodb/dynamoDbLocal.js';
import { freePort } from '../http/freePort.js';
import { startEventStream, type EventStreamServer } from '../event-stream/index.js';
import { createFunctionRuntime, type FunctionRuntime } from '../functions/index.js';
import { close, listen } from '../http/server.js';
import { startObjectStore, type ObjectStore } from '../object-store/index.js';
import { startSearchEngine, type SearchEngine } from '../search-engine/index.js';
import { startTopics, type Topics } from '../topics/index.js';
import { ApiRoutes } from './apiRoutes.js';
import type { RegionEndpoints } from './hostMessages.js';
import { createRegionApi } from './regionApi.js';

/** Everything one local region runs, each a real endpoint on its configured port. */
export interface RegionServices {
  endpoints: RegionEndpoints;
  /** The region's DynamoDB Local (the JVM, on an internal port). */
  dynamodb: DynamoDbLocal;
  /** Its public endpoint, on the configured port: every call passes here first. */
  dynamodbFront: DynamoDbFront;
  objects: ObjectStore;
  streams: EventStreamServer;
  topics: Topics;
  search: SearchEngine;
  functions: FunctionRuntime;
  routes: ApiRoutes;
  deployer: LocalDeployer;
  close(): Promise<void>;
}

/** What only the supervisor can do for a region: replicate a table to the other regions. */
export interface GlobalTableHooks {
  registerGlobalTable(def: GlobalTableDefinition): Promise<void>;
  releaseGlobalTable(tableName: string): Promise<boolean>;
}

const noReplicator: GlobalTableHooks = {
  registerGlobalTable: (def) => Promise.reject(new Error(`${def.tableName} is global, and only the local cloud's supervisor replicates tables: deploy through \`meridian dp\``)),
  releaseGlobalTable: async () => true,
};

const url = (port: number) => `http://127.0.0.1:${port}`;

/** 0.5, 1, 2, 4, then every 5 s: 724 retries (725 attempts) last about an hour. */
const TOPIC_RETRY = { maximumRetryAttempts: 724, baseDelayMs: 500, maxDelayMs: 5_000 };

/** The MERIDIAN_* variables every function of the region sees, over whatever serverless.yml set for them. */
export function meridianEnvironment(config: MeridianConfig, rc: RegionConfig): Record<string, string> {
  const endpoints = Object.fromEntries(config.regions.map((r) => [r.region, {
    s3: url(r.local.ports.objects),
    dynamodb: url(r.local.ports.dynamodb),
    kinesis: url(r.local.ports.streams),
    sns: url(r.local.ports.topics),
    search: url(r.local.ports.search),
  }]));
  return {
    MERIDIAN_SEARCH_ENGINE: 'local',
    MERIDIAN_SEARCH_ENDPOINT: url(rc.local.ports.search),
    MERIDIAN_FRONT_DOOR_URL: url(config.frontDoor.port),
    MERIDIAN_REGION_ENDPOINTS: JSON.stringify(endpoints),
    // regions/health's drill switch: an item of its table (no SSM locally; `meridian health <region> fail` writes it).
    MERIDIAN_HEALTH_DRILL: 'table',
  };
}

/** DynamoDB Local on a free internal port; another process may take the port first, so a failed start tries another. */
async function startInternalDynamoDbLocal(dataDir: string): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDynamoDbLocal({ port: await freePort(), dataDir });
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

export async function startRegionServices(
  config: MeridianConfig,
  rc: RegionConfig,
  log: (line: string) => void,
  hooks: GlobalTableHooks = noReplicator,
): Promise<RegionServices> {
  const { stateDir } = config;
  const dir = join(stateDir, 'regions', rc.region);
  const { ports } = rc.local;
  const started: { close(): Promise<void> }[] = [];
  // Every endpoint binds where the user said (loopback by default) and answers only its own names.
  const network = { host: config.network.bind, allowedHosts: config.network.allowedHosts };
  const closeAll = async () => {
    for (const s of started.reverse()) await s.close().catch((e: Error) => log(`while stopping: ${e.message}`));
  };
  try {
    // DynamoDB Local listens on an internal port; the region's DynamoDB port is its front, which refuses a
    // foreign Host (DNS rebinding) and sees every call before the JVM does.
    const dynamodb = await startInternalDynamoDbLocal(join(dir, 'dynamodb'));
    started.push({ close: () => dynamodb.stop() });
    const dynamodbFront = await startDynamoDbFront({ port: ports.dynamodb, upstream: dynamodb.endpoint, ...network });
    started.push(dynamodbFront);

    // Handlers see the region through the SDK's own endpoint variables: their code is unchanged.
    const functions = createFunctionRuntime({
      region: rc.region,
      accountId: rc.accountId,
      dataDir: join(dir, 'functions'),
      notifiedKinesisPollMs: 2_000, // the event stream below calls recordsArrived on every append
      regionEnvironment: {
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: url(ports.dynamodb),
        AWS_ENDPOINT_URL_DYNAMODB_STREAMS: url(ports.dynamodb),
        AWS_ENDPOINT_URL_S3: url(ports.objects),
        AWS_ENDPOINT_URL_KINESIS: url(ports.streams),
        AWS_ENDPOINT_URL_SNS: url(ports.topics),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...meridianEnvironment(config, rc),
      },
      log,
    });
    started.push(functions);

    const topics = await startTopics({
      region: rc.region,
      accountId: rc.accountId,
      port: ports.topics,
      dataDir: join(dir, 'topics'),
      // Topics deliver to functions by ARN (subscribe accepts only function ARNs); the runtime invokes by name.
      deliver: async (functionArn, event) => {
        await functions.invoke(functionNameFromArn(functionArn) ?? functionArn, event);
      },
      // A handler that cannot reach another region (an outage) gets the message again when it is back:
      // back-off capped at 5 s, for about an hour, durably; only then is it a fault.
      retry: TOPIC_RETRY,
      ...network,
    });
    started.push(topics);

    const objects = await startObjectStore({
      region: rc.region,
      accountId: rc.accountId,
      port: ports.objects,
      dataDir: join(dir, 'objects'),
      ...network,
      log,
      onNotification: async (n) => {
        await topics.publish(n.topicArn, JSON.stringify(n.message), { subject: 'Amazon S3 Notification' });
      },
    });
    started.push(objects);

    const streams = await startEventStream({
      region: rc.region,
      accountId: rc.accountId,
      port: ports.streams,
      dataDir: join(dir, 'streams'),
      ...network,
      onAppend: (streamName) => functions.recordsArrived({ type: 'kinesis', streamName }),
    });
    started.push(streams);

    const search = await startSearchEngine({ port: ports.search, dataDir: join(dir, 'search'), ...network });
    started.push(search);

    const routes = new ApiRoutes();
    const clients = regionClients(rc);
    started.push({ close: async () => clients.destroy() });
    const deployer = new LocalDeployer({
      config,
      region: rc,
      clients,
      functions,
      routes,
      recordsDir: recordsDirFor(stateDir, rc.region),
      regionEnvironment: meridianEnvironment(config, rc),
      registerGlobalTable: (def) => hooks.registerGlobalTable(def),
      releaseGlobalTable: (name) => hooks.releaseGlobalTable(name),
      log,
    });
    // Functions, mappings and routes live in memory: bring back what was deployed before a restart.
    await deployer.restore();

    const api = createRegionApi({
      region: rc.region,
      accountId: rc.accountId,
      stage: 'local',
      routes,
      invoke: (name, event) => functions.invoke(name, event),
      allowedHosts: network.allowedHosts,
      log,
    });
    await listen(api, ports.api, network.host);
    started.push({ close: () => close(api) });

    return {
      endpoints: {
        api: url(ports.api),
        dynamodb: dynamodbFront.endpoint,
        objects: objects.url,
        streams: streams.url,
        topics: topics.url,
        search: search.url,
      },
      dynamodb,
      dynamodbFront,
      objects,
      streams,
      topics,
      search,
      functions,
      routes,
      deployer,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
