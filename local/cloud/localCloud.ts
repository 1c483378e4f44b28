import { controlTokenFile, issueControlToken } from '../control/controlToken.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindsLoopbackOnly, type MeridianConfig } from '../../regions/config.js';
import { controlApi } from '../control/controlApi.js';
import type { ControlledCloud } from '../control/controlledCloud.js';
import { startFrontDoor, type FrontDoor } from '../front-door/frontDoor.js';
import { createResponseCache } from '../front-door/responseCache.js';
import type { CloudStatus, RegionStatus } from './cloudStatus.js';
import { HealthDirectory } from './healthDirectory.js';
import { setHealthDrill } from './healthDrill.js';
import { deployServices, removeServices } from './serviceDeployer.js';
import { Supervisor } from './supervisor.js';

export type { CloudStatus, RegionStatus } from './cloudStatus.js';
export type { DeployRequest } from '../control/controlledCloud.js';

export interface StartOptions {
  /** Deployed into every region before the cloud reports ready (`npm start`). */
  deploy?: { serviceDirs: string[]; stage: string };
}

export interface LocalCloud extends ControlledCloud {
  status(): Promise<CloudStatus>;
  /** Resolves when the cloud has been told to stop (Ctrl-C, `meridian down`). */
  stopped: Promise<void>;
}

/** The file `meridian down` and `status` find a running cloud by. */
export const cloudFile = (config: MeridianConfig) => join(config.stateDir, 'cloud.json');

/**
 * The local cloud, put together: the supervisor (regions, replication, recovery account), the front door
 * on config.frontDoor.port, and the control API (`/_meridian/*`) answering on the front door's port.
 * State lives in config.stateDir and survives restarts.
 */
export async function startLocalCloud(config: MeridianConfig, log: (line: string) => void, options: StartOptions = {}): Promise<LocalCloud> {
  mkdirSync(config.stateDir, { recursive: true });
  if (!bindsLoopbackOnly(config)) {
    log(`WARNING: network.bind is ${config.network.bind} (config/meridian.yml): the front door, every region's API, DynamoDB, S3, Kinesis, SNS and search endpoints and the recovery store are reachable from that network, with no AWS credentials checked and every table, bucket and stream readable and writable. Bind to 127.0.0.1 unless this machine's network is yours alone.`);
  }
  const startedAt = new Date().toISOString();
  const frontDoorUrl = `http://127.0.0.1:${config.frontDoor.port}`;
  let ready = false;
  let stopping: Promise<void> | undefined;
  let signalStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (signalStopped = resolve));
  const supervisor = new Supervisor(config, log);
  let frontDoor: FrontDoor | undefined;
  // Route 53's health checks, locally: every region's GET /health, polled; a region that is down is unhealthy at once.
  const health = new HealthDirectory({
    regions: supervisor.regions.map((r) => ({
      region: r.region,
      api: `http://127.0.0.1:${r.config.local.ports.api}`,
      processUp: () => r.state === 'up' && r.endpoints !== undefined,
    })),
    intervalMs: config.frontDoor.healthCheckIntervalMs ?? 1_000,
    log: (line) => log(`[health] ${line}`),
  });

  const cloud: LocalCloud = {
    regionNames: () => supervisor.regionNames(),
    status: async () => ({ ready, pid: process.pid, startedAt, frontDoor: frontDoorUrl, ...withHealth(await supervisor.status(), health) }),
    deploy: async (req, progress) => deployServices(supervisor.region(req.region), req, config.configDir, progress),
    remove: async (req, progress) => removeServices(supervisor.region(req.region), req, config.configDir, progress),
    outage: (region) => supervisor.outage(region),
    recover: (region) => supervisor.recover(region),
    crash: (region) => supervisor.crash(region),
    pauseReplication: (region) => supervisor.pauseReplication(region),
    resumeReplication: (region) => supervisor.resumeReplication(region),
    registerGlobalTable: (def) => supervisor.registerGlobalTable(def),
    healthDrill: async (region, state, stage) => {
      await setHealthDrill(supervisor.region(region), state, stage);
      log(`[${region}] health drill: ${state === 'fail' ? 'GET /health answers 503 until `meridian health ' + region + ' pass`' : 'ended'}`);
    },
    stop() {
      stopping ??= (async () => {
        ready = false;
        log('stopping…');
        await frontDoor?.close();
        health.stop();
        await supervisor.stop();
        rmSync(cloudFile(config), { force: true });
        rmSync(controlTokenFile(config.stateDir), { force: true });
        log('stopped');
        signalStopped();
      })();
      return stopping;
    },
    stopped,
  };

  try {
    // The front door listens first: `meridian status` (and `npm run up`) see a cloud that is starting.
    // Its cache is made here so the control API's invalidations reach it.
    const cdnCache = createResponseCache();
    frontDoor = await startFrontDoor({
      cache: cdnCache,
      port: config.frontDoor.port,
      origins: health,
      answerLocally: controlApi(cloud, { token: issueControlToken(config.stateDir), port: config.frontDoor.port, allowedHosts: config.network.allowedHosts }, cdnCache),
      host: config.network.bind,
      allowedHosts: config.network.allowedHosts,
      log: (line) => log(`[front-door] ${line}`),
    });
    writeFileSync(cloudFile(config), JSON.stringify({ pid: process.pid, frontDoor: frontDoorUrl, startedAt }));
    await supervisor.start();
    health.start();
    if (options.deploy && options.deploy.serviceDirs.length) {
      const { serviceDirs, stage } = options.deploy;
      // One region after the other: a global table's replicas then exist before the second region looks.
      for (const region of supervisor.regionNames()) await cloud.deploy({ region, serviceDirs, stage }, (line) => log(`[deploy] ${line}`));
    }
    ready = true;
  } catch (e) {
    await cloud.stop();
    throw e;
  }
  return cloud;
}

/** Each region's status with what the front door's health checks last said of it. */
function withHealth<T extends { regions: RegionStatus[] }>(status: T, health: HealthDirectory): T {
  const byRegion = new Map(health.report().map((h) => [h.region, h]));
  return {
    ...status,
    regions: status.regions.map((r) => {
      const h = byRegion.get(r.region);
      return h ? { ...r, health: { state: h.health, ...(h.last ? { last: h.last } : {}) } } : r;
    }),
  };
}
