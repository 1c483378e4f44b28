import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeridianConfig } from '../../regions/config.js';
import { GlobalTableReplicator, type ReplicationStatus } from '../global-tables/globalTableReplicator.js';
import { ReplicationState, type GlobalTableDefinition } from '../global-tables/replicationState.js';
import { parseGlobalTableDefinition } from '../global-tables/globalTableDefinition.js';
import { BodyTooLargeError, readBody } from '../http/server.js';
import { forward } from '../front-door/frontDoor.js';
import { startObjectStore, type ObjectStore } from '../object-store/index.js';
import { close, listen, sendJson } from '../http/server.js';
import { openSqlite, type Sqlite } from '../storage/sqlite.js';
import { RegionProcess, type RegionState } from './regionProcess.js';
import { loadService } from '../../orchestrator/service-definition/index.js';
import { deployOrder } from '../../orchestrator/serviceCatalog.js';
import type { DeployCall, RegionStatusReport } from '../region/hostMessages.js';

export interface CloudStatus {
  ready: boolean;
  pid: number;
  startedAt: string;
  frontDoor: string;
  recovery: { account: string; objects: string };
  regions: {
    region: string;
    state: RegionState;
    endpoints: Record<string, string>;
    pid: number | null;
    lastExit?: { code: number | null; signal: string | null; at: string };
    /** What the region reports deployed (absent while it is down). */
    deployed?: RegionStatusReport;
  }[];
  replication: ReplicationStatus;
}

export interface DeployRequest {
  region: string;
  /** Service directories (each with a serverless.yml); deployed in import order, removed in reverse. */
  serviceDirs: string[];
  stage: string;
  /** Deploy even services unchanged since their last deploy there (ignored by remove). */
  force?: boolean;
}

export interface StartOptions {
  /** Deployed into every region before the cloud reports ready (`npm start`). */
  deploy?: { serviceDirs: string[]; stage: string };
}

export interface LocalCloud {
  status(): Promise<CloudStatus>;
  /** The services deployed, in order; one a deploy skipped (nothing changed) reads `<service> (unchanged)`. */
  deploy(req: DeployRequest, progress: (line: string) => void): Promise<string[]>;
  remove(req: DeployRequest, progress: (line: string) => void): Promise<string[]>;
  outage(region: string): Promise<void>;
  recover(region: string): Promise<void>;
  /** Holds global-table replication into a region (it keeps serving; its writes still go out) until resumed. */
  pauseReplication(region: string): Promise<void>;
  resumeReplication(region: string): Promise<void>;
  /** Simulates a crash of a region: kill -9 of its process. */
  crash(region: string): void;
  /** Declares a table global: created in every region and replicated between them. */
  registerGlobalTable(def: GlobalTableDefinition): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the cloud has been told to stop (Ctrl-C, `meridian down`). */
  stopped: Promise<void>;
}

/** The file `meridian down` and `status` find a running cloud by. */
export const cloudFile = (config: MeridianConfig) => join(config.stateDir, 'cloud.json');

/**
 * The supervisor of the local cloud: one process per region (DynamoDB Local and the region's
 * servers), global-table replication between them, and the front door with the control API
 * (`/_meridian/*`). State lives in config.stateDir and survives restarts.
 */
export async function startLocalCloud(config: MeridianConfig, log: (line: string) => void, options: StartOptions = {}): Promise<LocalCloud> {
  mkdirSync(config.stateDir, { recursive: true });
  const startedAt = new Date().toISOString();
  let ready = false;
  let stopping: Promise<void> | undefined;
  let signalStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (signalStopped = resolve));

  const regions = config.regions.map((rc) => new RegionProcess(
    rc,
    { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    (line) => log(`[${rc.region}] ${line}`),
    (r) => {
      log(`[${r.region}] crashed (${r.lastExit?.signal ?? `exit ${r.lastExit?.code}`}); \`meridian recover ${r.region}\` brings it back`);
      replicator.setAvailable(r.region, false);
    },
    {
      registerGlobalTable: async (def) => {
        const parsed = parseGlobalTableDefinition(def);
        if (typeof parsed === 'string') throw new Error(parsed);
        await replicator.register(parsed);
        return null;
      },
      releaseGlobalTable: async (args, _progress) => {
        const { tableName } = args as { tableName: string };
        // The replica set is shared: replication ends only when no region deploys the table any more.
        for (const other of regions) {
          if (other.region === rc.region) continue;
          if (other.state !== 'up') return false; // cannot ask a region in outage: keep replicating
          if ((await other.call('holdsGlobalTable', { tableName })) === true) return false;
        }
        replicator.unregister(tableName);
        return true;
      },
    },
  ));
  const byRegion = new Map(regions.map((r) => [r.region, r]));

  const db: Sqlite = openSqlite(join(config.stateDir, 'replication', 'global-tables.db'));
  const replicator = new GlobalTableReplicator({
    regions: config.regions.map((rc) => ({ region: rc.region, endpoint: `http://127.0.0.1:${rc.local.ports.dynamodb}` })),
    state: new ReplicationState(db),
    log: (line) => log(`[replication] ${line}`),
  });

  const regionOf = (name: string): RegionProcess => {
    const r = byRegion.get(name);
    if (!r) throw new HttpError(404, `unknown region "${name}"; configured: ${[...byRegion.keys()].join(', ')}`);
    return r;
  };

  /** Services of a request, loaded for the region, in the order CloudFormation would need them. */
  const ordered = (req: DeployRequest) => deployOrder(req.serviceDirs.map((dir) => loadService(dir, { stage: req.stage, region: req.region, configDir: config.configDir })));

  const report = async (r: RegionProcess): Promise<RegionStatusReport | undefined> => {
    if (r.state !== 'up') return undefined;
    const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, 2_000));
    return Promise.race([r.call('status', null).then((v) => v as RegionStatusReport).catch(() => undefined), timeout]);
  };

  let recoveryObjects: ObjectStore | undefined;
  const cloud: LocalCloud = {
    status: async () => ({
      ready,
      pid: process.pid,
      startedAt,
      frontDoor: `http://127.0.0.1:${config.frontDoor.port}`,
      recovery: { account: config.recovery.account, objects: recoveryObjects?.url ?? '' },
      regions: await Promise.all(regions.map(async (r) => {
        const deployed = await report(r);
        return {
          region: r.region,
          state: r.state,
          endpoints: { ...(r.endpoints ?? {}) },
          pid: r.pid ?? null,
          ...(r.lastExit ? { lastExit: r.lastExit } : {}),
          ...(deployed ? { deployed } : {}),
        };
      })),
      replication: replicator.status(),
    }),
    async deploy(req, progress) {
      const r = regionOf(req.region);
      const done: string[] = [];
      for (const def of ordered(req)) {
        const args: DeployCall = { serviceDir: def.dir, stage: req.stage, force: req.force === true };
        const { unchanged } = (await r.call('deploy', args, progress)) as { unchanged?: boolean };
        done.push(unchanged ? `${def.service} (unchanged)` : def.service);
      }
      return done;
    },
    async remove(req, progress) {
      const r = regionOf(req.region);
      const done: string[] = [];
      for (const def of ordered(req).reverse()) {
        const { removed } = (await r.call('remove', { service: def.service }, progress)) as { removed: boolean };
        if (removed) done.push(def.service);
        else progress(`${def.service} is not deployed in ${req.region}`);
      }
      return done;
    },
    async outage(name) {
      const r = regionOf(name);
      replicator.setAvailable(name, false);
      await r.stop();
      log(`[${name}] outage: endpoints refuse connections, processing and inbound replication stopped`);
    },
    async recover(name) {
      const r = regionOf(name);
      if (r.state === 'up') return;
      await r.start();
      replicator.setAvailable(name, true);
      log(`[${name}] recovered`);
    },
    async pauseReplication(name) {
      regionOf(name); // an unknown region is a 404, before anything changes
      replicator.setInboundPaused(name, true);
      log(`[${name}] replication paused: it serves, its writes go out, the other regions' writes wait for \`meridian resume-replication ${name}\``);
    },
    async resumeReplication(name) {
      regionOf(name); // an unknown region is a 404, before anything changes
      replicator.setInboundPaused(name, false);
      log(`[${name}] replication resumed: the writes that waited are being applied`);
    },
    crash(name) {
      regionOf(name).kill();
    },
    registerGlobalTable: (def) => replicator.register(def),
    stop() {
      stopping ??= (async () => {
        ready = false;
        log('stopping…');
        await close(frontDoor);
        await replicator.stop();
        await Promise.all(regions.map((r) => r.stop()));
        await recoveryObjects?.close();
        db.close();
        rmSync(cloudFile(config), { force: true });
        log('stopped');
        signalStopped();
      })();
      return stopping;
    },
    stopped,
  };

  const frontDoor = createServer((req, res) => {
    handle(req, res, cloud, regions).catch((e: Error) => {
      if (e instanceof HttpError) return sendJson(res, e.status, { message: e.message });
      log(`[front-door] ${e.stack ?? e.message}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'internal error in the front door' });
      else res.destroy();
    });
  });

  try {
    await listen(frontDoor, config.frontDoor.port);
    writeFileSync(cloudFile(config), JSON.stringify({ pid: process.pid, frontDoor: `http://127.0.0.1:${config.frontDoor.port}`, startedAt }));
    // The recovery account shares nothing with the regions but the machine: its own store and state.
    recoveryObjects = await startObjectStore({
      region: config.recovery.region,
      accountId: config.recovery.accountId,
      port: config.recovery.ports.objects,
      dataDir: join(config.stateDir, 'recovery', 'objects'),
      log: (line) => log(`[recovery] ${line}`),
    });
    await Promise.all(regions.map((r) => r.start()));
    replicator.start();
    if (options.deploy && options.deploy.serviceDirs.length) {
      const { serviceDirs, stage } = options.deploy;
      // One region after the other: a global table's replicas then exist before the second region looks.
      for (const r of regions) await cloud.deploy({ region: r.region, serviceDirs, stage }, (line) => log(`[deploy] ${line}`));
    }
    ready = true;
  } catch (e) {
    await cloud.stop();
    throw e;
  }
  return cloud;
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
  } catch (e) {
    throw new HttpError(e instanceof BodyTooLargeError ? 413 : 400, e instanceof BodyTooLargeError ? e.message : 'body is not valid JSON');
  }
}

function parseDeployRequest(body: unknown): DeployRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.region !== 'string') throw new HttpError(400, 'region must be a region name such as us-east-1');
  if (!Array.isArray(b.serviceDirs) || !b.serviceDirs.every((d) => typeof d === 'string')) throw new HttpError(400, 'serviceDirs must be a list of service directories');
  if (typeof b.stage !== 'string' || !/^[a-zA-Z0-9-]+$/.test(b.stage)) throw new HttpError(400, 'stage must contain only letters, digits and -');
  if (b.force !== undefined && typeof b.force !== 'boolean') throw new HttpError(400, 'force must be true or false');
  return { region: b.region, serviceDirs: b.serviceDirs as string[], stage: b.stage, ...(b.force ? { force: true } : {}) };
}

/** Long work answers as NDJSON: progress lines while it runs, then `done` or `error` (the status is already sent). */
async function streamProgress(res: ServerResponse, work: (progress: (line: string) => void) => Promise<string[]>): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  const line = (o: unknown) => res.write(`${JSON.stringify(o)}\n`);
  try {
    const services = await work((text) => line({ type: 'progress', line: text }));
    line({ type: 'done', services });
  } catch (e) {
    line({ type: 'error', message: (e as Error).message });
  }
  res.end();
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, cloud: LocalCloud, regions: RegionProcess[]): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const control = /^\/_meridian\/(outage|recover|crash|pause-replication|resume-replication)\/([a-z0-9-]+)$/.exec(path);
  if (req.method === 'GET' && path === '/_meridian/status') {
    const status = await cloud.status();
    return sendJson(res, status.ready ? 200 : 503, status, { 'cache-control': 'no-store' });
  }
  if (req.method === 'POST' && control) {
    const [, action, region] = control as unknown as [string, 'outage' | 'recover' | 'crash' | 'pause-replication' | 'resume-replication', string];
    if (action === 'crash') cloud.crash(region);
    else if (action === 'pause-replication') await cloud.pauseReplication(region);
    else if (action === 'resume-replication') await cloud.resumeReplication(region);
    else await cloud[action](region);
    return sendJson(res, 200, await cloud.status());
  }
  if (req.method === 'POST' && (path === '/_meridian/deploy' || path === '/_meridian/remove')) {
    const request = parseDeployRequest(await jsonBody(req));
    return streamProgress(res, (progress) => (path === '/_meridian/deploy' ? cloud.deploy(request, progress) : cloud.remove(request, progress)));
  }
  if (req.method === 'POST' && path === '/_meridian/global-tables') {
    const body = await jsonBody(req);
    const parsed = parseGlobalTableDefinition(body);
    if (typeof parsed === 'string') throw new HttpError(400, parsed);
    await cloud.registerGlobalTable(parsed);
    return sendJson(res, 200, { registered: parsed.tableName });
  }
  if (req.method === 'POST' && path === '/_meridian/shutdown') {
    sendJson(res, 202, { message: 'stopping' });
    void cloud.stop();
    return;
  }
  // Everything else is the regions' API, nearest available region first.
  const origins = regions.filter((r) => r.state === 'up' && r.endpoints).map((r) => ({ region: r.region, api: r.endpoints!.api }));
  return forward(req, res, origins);
}
