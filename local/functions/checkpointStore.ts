import type { Sqlite } from '../storage/sqlite.js';
import { StatementCache } from '../storage/statementCache.js';

export interface ShardCheckpoint {
  /** Last sequence number whose batch was handled (succeeded or faulted); null = nothing yet. */
  sequenceNumber: string | null;
  /** The shard is closed and every record of it was handled: its children may start. */
  finished: boolean;
  /** Where reading starts while there is no sequence number yet. */
  startAt: 'TRIM_HORIZON' | 'LATEST';
}

/**
 * Per mapping and shard, where processing stands. Written only after a batch was handled, so a
 * restart resumes after the last handled batch: it may repeat a batch, never skip one.
 */
export class CheckpointStore {
  /** Each statement prepared once: preparing costs more than running most of them. */
  private readonly sql: StatementCache;
  constructor(private readonly db: Sqlite) {
    this.sql = new StatementCache(this.db);
    db.exec(`CREATE TABLE IF NOT EXISTS checkpoints (
      mapping_id TEXT NOT NULL,
      stream TEXT NOT NULL,
      shard_id TEXT NOT NULL,
      sequence_number TEXT,
      finished INTEGER NOT NULL DEFAULT 0,
      start_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (mapping_id, stream, shard_id)
    )`);
  }

  get(mappingId: string, stream: string, shardId: string): ShardCheckpoint | undefined {
    const row = this.sql
      .get('SELECT sequence_number, finished, start_at FROM checkpoints WHERE mapping_id = ? AND stream = ? AND shard_id = ?')
      .get(mappingId, stream, shardId) as
      | { sequence_number: string | null; finished: number; start_at: ShardCheckpoint['startAt'] }
      | undefined;
    return row && { sequenceNumber: row.sequence_number, finished: row.finished === 1, startAt: row.start_at };
  }

  /** Whether this mapping has read this stream before (new shards then start at their beginning). */
  knowsStream(mappingId: string, stream: string): boolean {
    return this.sql.get('SELECT 1 FROM checkpoints WHERE mapping_id = ? AND stream = ? LIMIT 1').get(mappingId, stream) !== undefined;
  }

  save(mappingId: string, stream: string, shardId: string, checkpoint: ShardCheckpoint): void {
    this.sql
      .get(
        `INSERT INTO checkpoints (mapping_id, stream, shard_id, sequence_number, finished, start_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (mapping_id, stream, shard_id) DO UPDATE SET
           sequence_number = excluded.sequence_number, finished = excluded.finished, updated_at = excluded.updated_at`,
      )
      .run(mappingId, stream, shardId, checkpoint.sequenceNumber, checkpoint.finished ? 1 : 0, checkpoint.startAt, new Date().toISOString());
  }

  /** A deleted mapping forgets its position, as on AWS. */
  forget(mappingId: string): void {
    this.sql.get('DELETE FROM checkpoints WHERE mapping_id = ?').run(mappingId);
  }
}
