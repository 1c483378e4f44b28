import type { Sqlite } from '../storage/sqlite.js';
import type { GlobalTableMode } from '../../regions/config.js';
import { ABSENT } from '../../replication/global-tables/attributeValues.js';
import { StatementCache } from '../storage/statementCache.js';

/** What a global table is: enough to create its replica in a region that lacks it. */
export interface GlobalTableDefinition {
  tableName: string;
  mode: GlobalTableMode;
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
}

/** The version every region must end up holding: the last write the replicator observed. */
export interface Winner {
  hash: string;
  /** Canonical JSON of the item, or null when the winner is a delete. */
  image: string | null;
  region: string;
  observedAt: number;
}

export interface PendingApply {
  table: string;
  key: string;
  region: string;
  hash: string;
  observedAt: number;
}

/**
 * Durable state of global-table replication, in one SQLite file so that a batch's effects and the
 * stream checkpoint that produced them commit together: after kill -9 the replicator resumes at
 * the checkpoint and nothing acknowledged is lost or applied twice in a way that matters.
 *
 * - winners: per item key, the version all regions converge to (last writer by observation time).
 * - seen: per item key and region, the hash of what that region's stream last showed (or we wrote).
 * - echoes: writes we made into a region whose stream record has not come back yet; such a record
 *   is our own replication, not a user's write, and must not become a new winner.
 * - pending: the outbox of writes still to apply to a region (survives outages and crashes).
 */
export class ReplicationState {
  /** Each statement prepared once: preparing costs more than running most of them. */
  private readonly sql: StatementCache;
  constructor(private readonly db: Sqlite) {
    this.sql = new StatementCache(this.db);
    db.exec(`
      CREATE TABLE IF NOT EXISTS global_tables (name TEXT PRIMARY KEY, definition TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS checkpoints (region TEXT, stream_arn TEXT, shard_id TEXT, sequence TEXT, closed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (region, stream_arn, shard_id));
      CREATE TABLE IF NOT EXISTS winners (tbl TEXT, key TEXT, hash TEXT NOT NULL, image TEXT, region TEXT NOT NULL, observed_at INTEGER NOT NULL,
        PRIMARY KEY (tbl, key));
      CREATE TABLE IF NOT EXISTS seen (tbl TEXT, key TEXT, region TEXT, hash TEXT NOT NULL, PRIMARY KEY (tbl, key, region));
      CREATE TABLE IF NOT EXISTS echoes (tbl TEXT, key TEXT, region TEXT, hash TEXT, n INTEGER NOT NULL, PRIMARY KEY (tbl, key, region, hash));
      CREATE TABLE IF NOT EXISTS pending (tbl TEXT, key TEXT, region TEXT, hash TEXT NOT NULL, observed_at INTEGER NOT NULL,
        PRIMARY KEY (tbl, key, region));
      CREATE INDEX IF NOT EXISTS pending_by_region ON pending (region, observed_at);
    `);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // Global table registry
  saveTable(def: GlobalTableDefinition): void {
    this.sql.get('INSERT INTO global_tables (name, definition) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition')
      .run(def.tableName, JSON.stringify(def));
  }
  tables(): GlobalTableDefinition[] {
    return (this.sql.get('SELECT definition FROM global_tables ORDER BY name').all() as { definition: string }[])
      .map((r) => JSON.parse(r.definition) as GlobalTableDefinition);
  }
  forgetTable(name: string): void {
    this.transaction(() => {
      for (const t of ['winners', 'seen', 'echoes', 'pending']) this.sql.get(`DELETE FROM ${t} WHERE tbl = ?`).run(name);
      this.sql.get('DELETE FROM global_tables WHERE name = ?').run(name);
    });
  }

  // Stream checkpoints
  checkpoint(region: string, streamArn: string, shardId: string): { sequence: string | null; closed: boolean } | undefined {
    const row = this.sql.get('SELECT sequence, closed FROM checkpoints WHERE region = ? AND stream_arn = ? AND shard_id = ?')
      .get(region, streamArn, shardId) as { sequence: string | null; closed: number } | undefined;
    return row && { sequence: row.sequence, closed: row.closed === 1 };
  }
  setCheckpoint(region: string, streamArn: string, shardId: string, sequence: string | null, closed: boolean): void {
    this.sql.get(`INSERT INTO checkpoints (region, stream_arn, shard_id, sequence, closed) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (region, stream_arn, shard_id) DO UPDATE SET sequence = COALESCE(excluded.sequence, sequence), closed = excluded.closed`)
      .run(region, streamArn, shardId, sequence, closed ? 1 : 0);
  }

  // Per-item state
  winner(table: string, key: string): Winner | undefined {
    const row = this.sql.get('SELECT hash, image, region, observed_at FROM winners WHERE tbl = ? AND key = ?').get(table, key) as
      | { hash: string; image: string | null; region: string; observed_at: number }
      | undefined;
    return row && { hash: row.hash, image: row.image, region: row.region, observedAt: row.observed_at };
  }
  setWinner(table: string, key: string, w: Winner): void {
    this.sql.get(`INSERT INTO winners (tbl, key, hash, image, region, observed_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (tbl, key) DO UPDATE SET hash = excluded.hash, image = excluded.image, region = excluded.region, observed_at = excluded.observed_at`)
      .run(table, key, w.hash, w.image, w.region, w.observedAt);
  }
  seen(table: string, key: string, region: string): string {
    const row = this.sql.get('SELECT hash FROM seen WHERE tbl = ? AND key = ? AND region = ?').get(table, key, region) as { hash: string } | undefined;
    return row?.hash ?? ABSENT;
  }
  setSeen(table: string, key: string, region: string, hash: string): void {
    this.sql.get('INSERT INTO seen (tbl, key, region, hash) VALUES (?, ?, ?, ?) ON CONFLICT (tbl, key, region) DO UPDATE SET hash = excluded.hash')
      .run(table, key, region, hash);
  }
  expectEcho(table: string, key: string, region: string, hash: string): void {
    this.sql.get('INSERT INTO echoes (tbl, key, region, hash, n) VALUES (?, ?, ?, ?, 1) ON CONFLICT (tbl, key, region, hash) DO UPDATE SET n = n + 1')
      .run(table, key, region, hash);
  }
  /** True (and the expectation consumed) when this record is our own replicated write coming back. */
  takeEcho(table: string, key: string, region: string, hash: string): boolean {
    const row = this.sql.get('SELECT n FROM echoes WHERE tbl = ? AND key = ? AND region = ? AND hash = ?').get(table, key, region, hash) as { n: number } | undefined;
    if (!row) return false;
    if (row.n <= 1) this.sql.get('DELETE FROM echoes WHERE tbl = ? AND key = ? AND region = ? AND hash = ?').run(table, key, region, hash);
    else this.sql.get('UPDATE echoes SET n = n - 1 WHERE tbl = ? AND key = ? AND region = ? AND hash = ?').run(table, key, region, hash);
    return true;
  }

  // Outbox
  setPending(p: PendingApply): void {
    this.sql.get(`INSERT INTO pending (tbl, key, region, hash, observed_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (tbl, key, region) DO UPDATE SET hash = excluded.hash, observed_at = excluded.observed_at`)
      .run(p.table, p.key, p.region, p.hash, p.observedAt);
  }
  clearPending(table: string, key: string, region: string, hash?: string): void {
    if (hash === undefined) this.sql.get('DELETE FROM pending WHERE tbl = ? AND key = ? AND region = ?').run(table, key, region);
    else this.sql.get('DELETE FROM pending WHERE tbl = ? AND key = ? AND region = ? AND hash = ?').run(table, key, region, hash);
  }
  pendingFor(region: string, limit: number): PendingApply[] {
    return (this.sql.get('SELECT tbl, key, region, hash, observed_at FROM pending WHERE region = ? ORDER BY observed_at LIMIT ?').all(region, limit) as
      { tbl: string; key: string; region: string; hash: string; observed_at: number }[])
      .map((r) => ({ table: r.tbl, key: r.key, region: r.region, hash: r.hash, observedAt: r.observed_at }));
  }
  pendingCounts(): Record<string, number> {
    const rows = this.sql.get('SELECT region, COUNT(*) AS n FROM pending GROUP BY region').all() as { region: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.region, r.n]));
  }
}
