import { join } from 'node:path';
import type { MeridianConfig } from '../../regions/config.js';
import { parseGlobalTableDefinition } from '../global-tables/globalTableDefinition.js';
import { GlobalTableReplicator } from '../global-tables/globalTableReplicator.js';
import { ReplicationState, type GlobalTableDefinition } from '../global-tables/replicationState.js';
import { startObjectStore, type ObjectStore } from '../object-store/index.js';
import type { RegionStatusReport } from '../region/hostMessages.js';
import type { RpcHandler } from '../region/ipcRpc.js';
import { openSqlite, type Sqlite } from '../storage/sqlite.js';
import type { CloudStatus, RegionStatus } from './cloudStatus.js';
import { RegionProcess } from './regionProcess.js';

const REGION_REPORT_TIMEOUT_MS = 2_000;

/**
 * Keeps the local cloud's processes: one per region (DynamoDB Local and the region's servers), the
 * global-table replicator between them, and the recovery account's object store. Faults (outage, crash,
 * replication pause) and recoveries go through it, so the replicator always knows which regions it can reach.
 */
export class Supervisor {
  /** Nearest first, in the order of the configuration. */
  readonly regions: RegionProcess[];
  private readonly db: Sqlite;
  private readonly replicator: GlobalTableReplicator;
  private recoveryObjects: ObjectStore | undefined;

  constructor(private readonly config: MeridianConfig, private readonly log: (line: string) => void) {
    this.db = openSqlite(join(config.stateDir, 'replication', 'global-tables.db'));
    this.replicator = new GlobalTableReplicator({
      regions: config.regions.map((rc) => ({ region: rc.region, endpoint: `http://127.0.0.1:${rc.local.ports.dynamodb}` })),
      state: new ReplicationState(this.db),
      log: (line) => log(`[replication] ${line}`),
    });
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    this.regions = config.regions.map((rc) => new RegionProcess(
      rc,
      env,
      (line) => log(`[${rc.region}] ${line}`),
      (r) => {
        log(`[${r.region}] crashed (${r.lastExit?.signal ?? `exit ${r.lastExit?.code}`}); \`meridian recover ${r.region}\` brings it back`);
        this.replicator.setAvailable(r.region, false);
      },
      this.replicationHandlers(rc.region),
    ));
  }

  regionNames(): string[] {
    return this.regions.map((r) => r.region);
  }

  region(name: string): RegionProcess {
    const r = this.regions.find((p) => p.region === name);
    if (!r) throw new Error(`unknown region "${name}"; configured: ${this.regionNames().join(', ')}`);
    return r;
  }

  /** The recovery account, every region, then replication between them. */
  async start(): Promise<void> {
    // The recovery account shares nothing with the regions but the machine: its own store and state.
    this.recoveryObjects = await startObjectStore({
      region: this.config.recovery.region,
      accountId: this.config.recovery.accountId,
      port: this.config.recovery.ports.objects,
      dataDir: join(this.config.stateDir, 'recovery', 'objects'),
      host: this.config.network.bind,
      allowedHosts: this.config.network.allowedHosts,
      log: (line) => this.log(`[recovery] ${line}`),
    });
    await Promise.all(this.regions.map((r) => r.start()));
    this.replicator.start();
  }

  /** Stops everything it started (also after a start that failed half-way). */
  async stop(): Promise<void> {
    await this.replicator.stop();
    await Promise.all(this.regions.map((r) => r.stop()));
    await this.recoveryObjects?.close();
    this.db.close();
  }

  async outage(name: string): Promise<void> {
    const r = this.region(name);
    this.replicator.setAvailable(name, false);
    await r.stop();
    this.log(`[${name}] outage: endpoints refuse connections, processing and inbound replication stopped`);
  }

  async recover(name: string): Promise<void> {
    const r = this.region(name);
    if (r.state === 'up') return;
    await r.start();
    this.replicator.setAvailable(name, true);
    this.log(`[${name}] recovered`);
  }

  /** kill -9 of the region's process; its exit is then handled as any crash. */
  crash(name: string): void {
    this.region(name).kill();
  }

  async pauseReplication(name: string): Promise<void> {
    this.region(name);
    this.replicator.setInboundPaused(name, true);
    this.log(`[${name}] replication paused: it serves, its writes go out, the other regions' writes wait for \`meridian resume-replication ${name}\``);
  }

  async resumeReplication(name: string): Promise<void> {
    this.region(name);
    this.replicator.setInboundPaused(name, false);
    this.log(`[${name}] replication resumed: the writes that waited are being applied`);
  }

  registerGlobalTable(def: GlobalTableDefinition): Promise<void> {
    return this.replicator.register(def);
  }

  async status(): Promise<Pick<CloudStatus, 'recovery' | 'regions' | 'replication'>> {
    return {
      recovery: { account: this.config.recovery.account, objects: this.recoveryObjects?.url ?? '' },
      regions: await Promise.all(this.regions.map((r) => regionStatus(r))),
      replication: this.replicator.status(),
    };
  }

  /** What a region host may ask: to replicate a table it deploys, and to stop when none deploys it any more. */
  private replicationHandlers(region: string): Record<string, RpcHandler> {
    return {
      registerGlobalTable: async (def) => {
        const parsed = parseGlobalTableDefinition(def);
        if (typeof parsed === 'string') throw new Error(parsed);
        await this.replicator.register(parsed);
        return null;
      },
      releaseGlobalTable: async (args) => {
        const { tableName } = args as { tableName: string };
        // The replica set is shared: replication ends only when no region deploys the table any more.
        for (const other of this.regions) {
          if (other.region === region) continue;
          if (other.state !== 'up') return false; // cannot ask a region in outage: keep replicating
          if ((await other.call('holdsGlobalTable', { tableName })) === true) return false;
        }
        this.replicator.unregister(tableName);
        return true;
      },
    };
  }
}

async function regionStatus(r: RegionProcess): Promise<RegionStatus> {
  const deployed = await deployedIn(r);
  return {
    region: r.region,
    state: r.state,
    endpoints: { ...(r.endpoints ?? {}) },
    pid: r.pid ?? null,
    ...(r.lastExit ? { lastExit: r.lastExit } : {}),
    ...(deployed ? { deployed } : {}),
  };
}

/** The region's own report; none while it is down or when it does not answer in time (status must not hang). */
async function deployedIn(r: RegionProcess): Promise<RegionStatusReport | undefined> {
  if (r.state !== 'up') return undefined;
  const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, REGION_REPORT_TIMEOUT_MS));
  return Promise.race([r.call('status', null).then((v) => v as RegionStatusReport).catch(() => undefined), timeout]);
}
