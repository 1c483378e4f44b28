import { join } from 'node:path';
import { loadConfig, regionConfig } from '../../regions/config.js';
import { startDynamoDbLocal } from '../dynamodb/dynamoDbLocal.js';
import { close, listen } from '../http/server.js';
import type { HostMessage } from './hostMessages.js';
import { createRegionApi } from './regionApi.js';

/*
 * Entry of one region's process (forked by the supervisor). It owns the region's DynamoDB Local and
 * servers; when the supervisor goes away, even by kill -9, the IPC channel closes and the region
 * stops too, so nothing is left behind.
 */
const region = process.argv[2];
if (!region) throw new Error('usage: regionHost <region>');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const send = (m: HostMessage) => process.send?.(m);
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const config = loadConfig();
  const rc = regionConfig(config, region!);
  const dir = join(config.stateDir, 'regions', rc.region);
  const dynamodb = await startDynamoDbLocal({ port: rc.local.ports.dynamodb, dataDir: join(dir, 'dynamodb') });
  const api = createRegionApi(rc.region);
  await listen(api, rc.local.ports.api);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await close(api);
    await dynamodb.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  void dynamodb.exited.then(() => {
    if (!stopping) {
      log(`DynamoDB Local exited unexpectedly; stopping ${rc.region}`);
      void stop().finally(() => process.exit(1));
    }
  });

  log(`up: api http://127.0.0.1:${rc.local.ports.api}, dynamodb ${dynamodb.endpoint}`);
  send({ type: 'ready', endpoints: { api: `http://127.0.0.1:${rc.local.ports.api}`, dynamodb: dynamodb.endpoint } });
}

main().catch((e: Error) => {
  send({ type: 'failed', error: e.message });
  console.error(e.message);
  process.exit(1);
});
