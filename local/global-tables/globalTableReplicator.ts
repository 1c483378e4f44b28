import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, type _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { localCredentials } from '../credentials.js';
import { canonicalItem, itemFromJson, itemHash, type Item, type JsonValue } from '../../replication/global-tables/attributeValues.js';
import { stampLegacy } from '../../replication/global-tables/legacyAttributes.js';
import { LagWindow, type LagSummary } from './lagWindow.js';
import type { GlobalTableDefinition, PendingApply, ReplicationState } from './replicationState.js';
import { TableStreamReader } from './tableStreamReader.js';

export interface ReplicaRegion {
  region: string;
  /** The region's DynamoDB endpoint. */
  endpoint: string;
}

export interface GlobalTableReplicatorOptions {
  regions: ReplicaRegion[];
  state: ReplicationState;
  /** Pause between stream polls right after activity; it doubles while a region stays quiet. */
  idlePollMs?: number;
  /** The longest pause between polls of a quiet region (bounds the lag of the first write after a lull). */
  maxIdlePollMs?: number;
  log?: (message: string) => void;
  now?: () => number;
}

export interface RegionReplicationStatus {
  region: string;
  available: boolean;
  /** Inbound replication held by `meridian pause-replication` (the region serves meanwhile). */
  inboundPaused: boolean;
  reachable: boolean;
  /** Writes waiting to be applied to this region. */
  pending: number;
  /** Observed-on-source to applied-here, over the most recent applies. */
  lag: LagSummary;
}

export interface ReplicationStatus {
  tables: { tableName: string; mode: string }[];
  regions: RegionReplicationStatus[];
}

interface RegionLink {
  region: string;
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  readers: Map<string, TableStreamReader>;
  /** False while the region is in an outage: nothing is read from it or written to it. */
  available: boolean;
  /** A replication pause: the region serves and its writes go out, but nothing is applied to it. */
  inboundPaused: boolean;
  /** Whether the last request to it got an answer. */
  reachable: boolean;
  lag: LagWindow;
  /** Loops of this link that are pausing; waking them makes them look again at once. */
  sleepers: Set<() => void>;
}

const APPLY_CONCURRENCY = 16;
const RETRY_MS = 500;

/**
 * Replicates every registered global table between the regions' DynamoDB endpoints, as AWS global
 * tables do: each region's stream is read; a write made by a user in any region becomes the item's
 * winner (last writer wins, by the time the replicator observes it, since DynamoDB Local rounds
 * stream times to the minute) and is applied to every other region. Writes the replicator makes
 * come back on the target's stream as echoes and are recognised, so nothing loops. In legacy mode
 * the winner carries the aws:rep:* attributes in every region, the origin included.
 */
export class GlobalTableReplicator {
  private readonly links: Map<string, RegionLink>;
  private readonly tables = new Map<string, GlobalTableDefinition>();
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private lastObserved = 0;
  private readonly idlePollMs: number;
  private readonly maxIdlePollMs: number;
  private readonly log: (message: string) => void;
  private readonly clock: () => number;

  constructor(private readonly opts: GlobalTableReplicatorOptions) {
    this.idlePollMs = opts.idlePollMs ?? 10;
    // 4 polls a second of a quiet region, as Lambda reads a stream: at 10 the idle cloud spent a tenth of a
    // core on them. Under load the pause stays near idlePollMs, so lag is unchanged there.
    this.maxIdlePollMs = opts.maxIdlePollMs ?? 250;
    this.log = opts.log ?? (() => {});
    this.clock = opts.now ?? Date.now;
    this.links = new Map(opts.regions.map((r) => [r.region, this.link(r)]));
    for (const def of opts.state.tables()) this.tables.set(def.tableName, def);
  }

  /** Declares a table global: its replica is created in every region (now, or when the region is back). */
  async register(def: GlobalTableDefinition): Promise<void> {
    this.opts.state.saveTable(def);
    this.tables.set(def.tableName, def);
    for (const link of this.links.values()) {
      if (link.available) await this.ensureReplica(link, def).catch((e: Error) => this.log(`${link.region}: cannot create replica ${def.tableName} yet: ${e.message}`));
    }
  }

  unregister(tableName: string): void {
    this.tables.delete(tableName);
    for (const link of this.links.values()) link.readers.delete(tableName);
    this.opts.state.forgetTable(tableName);
  }

  /** An outage: stop reading from and writing to the region; writes for it wait in the outbox. */
  setAvailable(region: string, available: boolean): void {
    const link = this.links.get(region);
    if (!link) throw new Error(`unknown region ${region}`);
    link.available = available;
    if (available) {
      link.readers.clear(); // fresh iterators from durable checkpoints
      wake(link);
    }
  }

  /**
   * A replication pause into `region`: it keeps serving and its own writes still reach the others, but
   * theirs wait (durably, in the outbox) until the pause ends. Conflicts meanwhile resolve as ever: the
   * write observed last wins everywhere once replication resumes.
   */
  setInboundPaused(region: string, paused: boolean): void {
    const link = this.links.get(region);
    if (!link) throw new Error(`unknown region ${region}`);
    link.inboundPaused = paused;
    if (!paused) wake(link);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const link of this.links.values()) {
      this.loops.push(this.readLoop(link), this.applyLoop(link));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const link of this.links.values()) wake(link);
    await Promise.all(this.loops);
    this.loops.length = 0;
    for (const link of this.links.values()) {
      link.dynamodb.destroy();
      link.streams.destroy();
    }
  }

  status(): ReplicationStatus {
    const pending = this.opts.state.pendingCounts();
    return {
      tables: [...this.tables.values()].map((t) => ({ tableName: t.tableName, mode: t.mode })),
      regions: [...this.links.values()].map((l) => ({
        region: l.region,
        available: l.available,
        inboundPaused: l.inboundPaused,
        reachable: l.reachable,
        pending: pending[l.region] ?? 0,
        lag: l.lag.summary(),
      })),
    };
  }

  private link(r: ReplicaRegion): RegionLink {
    const common = {
      endpoint: r.endpoint,
      region: r.region,
      credentials: localCredentials,
      maxAttempts: 1, // the replicator retries itself, without blocking other regions
      requestHandler: { connectionTimeout: 1_000, requestTimeout: 10_000 },
    };
    return {
      region: r.region,
      dynamodb: new DynamoDBClient(common),
      streams: new DynamoDBStreamsClient(common),
      readers: new Map(),
      available: true,
      inboundPaused: false,
      reachable: false,
      lag: new LagWindow(2_000),
      sleepers: new Set(),
    };
  }

  private async ensureReplica(link: RegionLink, def: GlobalTableDefinition): Promise<void> {
    const stream = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const };
    try {
      const { Table } = await link.dynamodb.send(new DescribeTableCommand({ TableName: def.tableName }));
      if (Table?.StreamSpecification?.StreamViewType !== 'NEW_AND_OLD_IMAGES') {
        await link.dynamodb.send(new UpdateTableCommand({ TableName: def.tableName, StreamSpecification: stream }));
      }
    } catch (e) {
      if (!(e instanceof ResourceNotFoundException)) throw e;
      await link.dynamodb.send(new CreateTableCommand({
        TableName: def.tableName,
        KeySchema: def.keySchema,
        AttributeDefinitions: def.attributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: stream,
      }));
      this.log(`${link.region}: created replica ${def.tableName}`);
    }
  }

  private reader(link: RegionLink, def: GlobalTableDefinition): TableStreamReader {
    let reader = link.readers.get(def.tableName);
    if (!reader) {
      reader = new TableStreamReader({
        region: link.region,
        tableName: def.tableName,
        dynamodb: link.dynamodb,
        streams: link.streams,
        state: this.opts.state,
        onRecords: (records) => this.observe(link.region, def, records),
      });
      link.readers.set(def.tableName, reader);
    }
    return reader;
  }

  private async readLoop(link: RegionLink): Promise<void> {
    let replicasChecked = false;
    let quiet = 0;
    while (this.running) {
      if (!link.available) {
        replicasChecked = false;
        await this.sleep(link, 200);
        continue;
      }
      let handled = 0;
      try {
        if (!replicasChecked) {
          for (const def of this.tables.values()) await this.ensureReplica(link, def);
          replicasChecked = true;
        }
        for (const def of [...this.tables.values()]) handled += await this.reader(link, def).poll();
        link.reachable = true;
      } catch (e) {
        if (link.reachable) this.log(`${link.region}: stream read failed, retrying: ${(e as Error).message}`);
        link.reachable = false;
        link.readers.clear();
        await this.sleep(link, RETRY_MS);
        continue;
      }
      if (handled > 0) {
        quiet = 0;
        this.wakeAppliers();
      } else {
        // Polling every table of every region costs CPU when nothing happens: back off while quiet.
        await this.sleep(link, Math.min(this.maxIdlePollMs, this.idlePollMs * 2 ** Math.min(quiet, 10)));
        quiet++;
      }
    }
  }

  /** Runs inside the reader's transaction: decides winners and fills the outbox. */
  private observe(region: string, def: GlobalTableDefinition, records: StreamRecord[]): void {
    const { state } = this.opts;
    const table = def.tableName;
    for (const record of records) {
      const keys = record.dynamodb?.Keys as Item | undefined;
      if (!keys) continue;
      const key = canonicalItem(keys);
      const image = record.eventName === 'REMOVE' ? undefined : (record.dynamodb?.NewImage as Item | undefined);
      const hash = itemHash(image);
      state.setSeen(table, key, region, hash);
      if (!state.takeEcho(table, key, region, hash)) {
        const current = state.winner(table, key);
        if (current?.hash !== hash) {
          // A user's write in this region: it is the newest the replicator has seen, so it wins.
          const observedAt = this.observedAt();
          const winning = image && def.mode === 'legacy' ? stampLegacy(image, region, observedAt) : image;
          state.setWinner(table, key, {
            hash: itemHash(winning),
            image: winning ? canonicalItem(winning) : null,
            region,
            observedAt,
          });
        }
      }
      this.reconcile(table, key);
    }
  }

  /** Every region whose copy differs from the winner gets an outbox entry; the others lose theirs. */
  private reconcile(table: string, key: string): void {
    const { state } = this.opts;
    const w = state.winner(table, key);
    if (!w) return;
    for (const region of this.links.keys()) {
      if (state.seen(table, key, region) === w.hash) state.clearPending(table, key, region);
      else state.setPending({ table, key, region, hash: w.hash, observedAt: w.observedAt });
    }
  }

  private observedAt(): number {
    // Strictly increasing, so two writes observed in one millisecond still have an order.
    this.lastObserved = Math.max(this.clock(), this.lastObserved + 1);
    return this.lastObserved;
  }

  private wakeAppliers(): void {
    for (const link of this.links.values()) wake(link);
  }

  private async applyLoop(link: RegionLink): Promise<void> {
    while (this.running) {
      if (!link.available || link.inboundPaused) {
        await this.sleep(link, 200);
        continue;
      }
      // One row per (table, key, region) and one loop per region: no two writes of one key race here.
      const batch = this.opts.state.pendingFor(link.region, APPLY_CONCURRENCY);
      if (batch.length === 0) {
        await this.sleep(link, 1_000);
        continue;
      }
      const results = await Promise.allSettled(batch.map((p) => this.apply(link, p)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        if (link.reachable) this.log(`${link.region}: replication write failed, will retry: ${(failed.reason as Error).message}`);
        link.reachable = false;
        await this.sleep(link, RETRY_MS);
      }
    }
  }

  private async apply(link: RegionLink, p: PendingApply): Promise<void> {
    const { state } = this.opts;
    const w = state.winner(p.table, p.key);
    if (!w || w.hash !== p.hash) return; // superseded; the outbox already holds the newer winner
    // Expect the echo before writing: the target's stream may show it before this call returns.
    state.transaction(() => state.expectEcho(p.table, p.key, link.region, p.hash));
    try {
      const old = w.image === null
        ? await link.dynamodb.send(new DeleteItemCommand({ TableName: p.table, Key: itemFromJson(JSON.parse(p.key) as { [k: string]: JsonValue }), ReturnValues: 'ALL_OLD' }))
        : await link.dynamodb.send(new PutItemCommand({ TableName: p.table, Item: itemFromJson(JSON.parse(w.image) as { [k: string]: JsonValue }), ReturnValues: 'ALL_OLD' }));
      const changed = itemHash(old.Attributes as Item | undefined) !== p.hash;
      state.transaction(() => {
        // A write that changed nothing leaves no stream record: there will be no echo.
        if (!changed) state.takeEcho(p.table, p.key, link.region, p.hash);
        state.setSeen(p.table, p.key, link.region, p.hash);
        state.clearPending(p.table, p.key, link.region, p.hash);
      });
      link.reachable = true;
      if (link.region !== w.region) link.lag.add(this.clock() - w.observedAt);
    } catch (e) {
      state.transaction(() => state.takeEcho(p.table, p.key, link.region, p.hash));
      throw e;
    }
  }

  private sleep(link: RegionLink, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        link.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      link.sleepers.add(done);
    });
  }
}

function wake(link: RegionLink): void {
  for (const done of [...link.sleepers]) done();
}
