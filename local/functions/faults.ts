import type { Sqlite } from '../storage/sqlite.js';
import type { Fault } from './types.js';
import { StatementCache } from '../storage/statementCache.js';

export interface FaultOrigin {
  mappingId: string;
  shardId: string;
}

/** Poison records: kept in SQLite so an operator sees them after a restart, and the shard moves on. */
export class FaultStore {
  /** Each statement prepared once: preparing costs more than running most of them. */
  private readonly sql: StatementCache;
  constructor(private readonly db: Sqlite) {
    this.sql = new StatementCache(this.db);
    db.exec(`CREATE TABLE IF NOT EXISTS faults (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      mapping_id TEXT NOT NULL,
      shard_id TEXT NOT NULL,
      function_name TEXT NOT NULL,
      source TEXT NOT NULL,
      record TEXT NOT NULL,
      error TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      at TEXT NOT NULL
    )`);
  }

  add(fault: Fault, origin: FaultOrigin): void {
    this.sql
      .get(
        'INSERT INTO faults (mapping_id, shard_id, function_name, source, record, error, attempts, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(origin.mappingId, origin.shardId, fault.functionName, fault.source, JSON.stringify(fault.record), JSON.stringify(fault.error), fault.attempts, fault.at);
  }

  list(): Fault[] {
    const rows = this.sql.get('SELECT function_name, source, record, error, attempts, at FROM faults ORDER BY id').all() as {
      function_name: string;
      source: string;
      record: string;
      error: string;
      attempts: number;
      at: string;
    }[];
    return rows.map((row) => ({
      functionName: row.function_name,
      source: row.source,
      record: JSON.parse(row.record) as unknown,
      error: JSON.parse(row.error) as Fault['error'],
      attempts: row.attempts,
      at: row.at,
    }));
  }
}
