import { loadConfig, regionConfig } from '../../regions/config.js';
import type { HostMessage } from './hostMessages.js';
import { startRegionServices } from './regionServices.js';

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
  const services = await startRegionServices(rc, config.stateDir, log);

  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    await services.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  void services.dynamodb.exited.then(() => {
    if (!stopping) {
      log(`DynamoDB Local exited unexpectedly; stopping ${rc.region}`);
      void stop(1);
    }
  });

  const e = services.endpoints;
  log(`up: api ${e.api}, dynamodb ${e.dynamodb}, s3 ${e.objects}, kinesis ${e.streams}, sns ${e.topics}, search ${e.search}`);
  send({ type: 'ready', endpoints: e });
}

main().catch((e: Error) => {
  send({ type: 'failed', error: e.message });
  console.error(e.stack ?? e.message);
  process.exit(1);
});
