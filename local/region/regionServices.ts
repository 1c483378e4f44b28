import { join } from 'node:path';
import type { RegionConfig } from '../../regions/config.js';
import { localCredentials } from '../credentials.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../dynamodb/dynamoDbLocal.js';
import { startEventStream, type EventStreamServer } from '../event-stream/index.js';
import { createFunctionRuntime, type FunctionRuntime } from '../functions/index.js';
import { close, listen } from '../http/server.js';
import { startObjectStore, type ObjectStore } from '../object-store/index.js';
import { startSearchEngine, type SearchEngine } from '../search-engine/index.js';
import { startTopics, type Topics } from '../topics/index.js';
import type { RegionEndpoints } from './hostMessages.js';
import { createRegionApi } from './regionApi.js';

/** Everything one local region runs, each a real endpoint on its configured port. */
export interface RegionServices {
  endpoints: RegionEndpoints;
  dynamodb: DynamoDbLocal;
  objects: ObjectStore;
  streams: EventStreamServer;
  topics: Topics;
  search: SearchEngine;
  functions: FunctionRuntime;
  close(): Promise<void>;
}

const url = (port: number) => `http://127.0.0.1:${port}`;

/** `arn:aws:lambda:<region>:<account>:function:<name>` → name (topics deliver to functions by ARN). */
export function functionNameFromArn(arn: string): string {
  const m = /^arn:aws:lambda:[^:]+:\d+:function:([^:]+)/.exec(arn);
  return m ? m[1]! : arn;
}

export async function startRegionServices(rc: RegionConfig, stateDir: string, log: (line: string) => void): Promise<RegionServices> {
  const dir = join(stateDir, 'regions', rc.region);
  const { ports } = rc.local;
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    for (const s of started.reverse()) await s.close().catch((e: Error) => log(`while stopping: ${e.message}`));
  };
  try {
    const dynamodb = await startDynamoDbLocal({ port: ports.dynamodb, dataDir: join(dir, 'dynamodb') });
    started.push({ close: () => dynamodb.stop() });

    // Handlers see the region through the SDK's own endpoint variables: their code is unchanged.
    const functions = createFunctionRuntime({
      region: rc.region,
      accountId: rc.accountId,
      dataDir: join(dir, 'functions'),
      regionEnvironment: {
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: url(ports.dynamodb),
        AWS_ENDPOINT_URL_DYNAMODB_STREAMS: url(ports.dynamodb),
        AWS_ENDPOINT_URL_S3: url(ports.objects),
        AWS_ENDPOINT_URL_KINESIS: url(ports.streams),
        AWS_ENDPOINT_URL_SNS: url(ports.topics),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    });
    started.push(functions);

    const topics = await startTopics({
      region: rc.region,
      accountId: rc.accountId,
      port: ports.topics,
      dataDir: join(dir, 'topics'),
      deliver: async (functionArn, event) => {
        await functions.invoke(functionNameFromArn(functionArn), event);
      },
    });
    started.push(topics);

    const objects = await startObjectStore({
      region: rc.region,
      accountId: rc.accountId,
      port: ports.objects,
      dataDir: join(dir, 'objects'),
      log,
      onNotification: async (n) => {
        await topics.publish(n.topicArn, JSON.stringify(n.message), { subject: 'Amazon S3 Notification' });
      },
    });
    started.push(objects);

    const streams = await startEventStream({ region: rc.region, accountId: rc.accountId, port: ports.streams, dataDir: join(dir, 'streams') });
    started.push(streams);

    const search = await startSearchEngine({ port: ports.search, dataDir: join(dir, 'search') });
    started.push(search);

    const api = createRegionApi(rc.region);
    await listen(api, ports.api);
    started.push({ close: () => close(api) });

    return {
      endpoints: {
        api: url(ports.api),
        dynamodb: dynamodb.endpoint,
        objects: objects.url,
        streams: streams.url,
        topics: topics.url,
        search: search.url,
      },
      dynamodb,
      objects,
      streams,
      topics,
      search,
      functions,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
