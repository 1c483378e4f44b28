import { loadConfig, regionConfig } from '../../regions/config.js';
import type { GlobalTableDefinition } from '../global-tables/replicationState.js';
import type { DeployCall, HostMessage, RegionStatusReport } from './hostMessages.js';
import { IpcRpc, isRpcMessage, type RpcMessage } from './ipcRpc.js';
import { startRegionServices, type RegionServices } from './regionServices.js';

/*
 * Entry of one region's process (forked by the supervisor). It owns the region's DynamoDB Local and
 * servers; when the supervisor goes away, even by kill -9, the IPC channel closes and the region
 * stops too, so nothing is left behind.
 */
const region = process.argv[2];
if (!region) throw new Error('usage: regionHost <region>');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const send = (m: HostMessage | RpcMessage) => process.send?.(m);
const log = (line: string) => console.log(line);

let services: RegionServices | undefined;
const started = () => {
  if (!services) throw new Error(`${region} is still starting`);
  return services;
};

// The supervisor asks for deploys; this region asks the supervisor to replicate its global tables.
const rpc = new IpcRpc(send, {
  deploy: async (args, progress) => {
    const { serviceDir, stage, force } = args as DeployCall;
    const calledAt = Date.now();
    const record = await started().deployer.deploy(serviceDir, stage, progress, { force: force === true });
    // A skipped deploy hands back the recorded deployment, made before this call.
    const unchanged = Date.parse(record.deployedAt) < calledAt;
    return { service: record.service, routes: record.routes.length, functions: record.functions.length, unchanged };
  },
  remove: async (args, progress) => {
    const { service } = args as { service: string };
    return { removed: await started().deployer.remove(service, progress) };
  },
  status: async (): Promise<RegionStatusReport> => statusReport(started()),
  holdsGlobalTable: async (args) => started().deployer.holdsGlobalTable((args as { tableName: string }).tableName),
});
process.on('message', (m: unknown) => {
  if (isRpcMessage(m)) rpc.receive(m);
});

function statusReport(s: RegionServices): RegionStatusReport {
  return {
    services: s.deployer.records.all().map((r) => ({
      service: r.service,
      stage: r.stage,
      deployedAt: r.deployedAt,
      functions: r.functions.map((f) => f.name),
      routes: r.routes.map((route) => `${route.method} ${route.path}`),
    })),
    functionFaults: s.functions.faults().length,
    topicFaults: s.topics.faults().length,
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const rc = regionConfig(config, region!);
  services = await startRegionServices(config, rc, log, {
    registerGlobalTable: async (def: GlobalTableDefinition) => void (await rpc.call('registerGlobalTable', def)),
    releaseGlobalTable: async (tableName: string) => (await rpc.call('releaseGlobalTable', { tableName })) === true,
  });
  const s = services;

  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    rpc.failAll(`${region} is stopping`);
    await s.close();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.on('disconnect', () => void stop());
  void s.dynamodb.exited.then(() => {
    if (!stopping) {
      log(`DynamoDB Local exited unexpectedly; stopping ${rc.region}`);
      void stop(1);
    }
  });

  const e = s.endpoints;
  log(`up: api ${e.api}, dynamodb ${e.dynamodb}, s3 ${e.objects}, kinesis ${e.streams}, sns ${e.topics}, search ${e.search}`);
  send({ type: 'ready', endpoints: e, services: s.deployer.records.all().map((r) => r.service) });
}

main().catch((e: Error) => {
  send({ type: 'failed', error: e.message });
  console.error(e.stack ?? e.message);
  process.exit(1);
});
