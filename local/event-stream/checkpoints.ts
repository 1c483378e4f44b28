import type { Sqlite } from '../storage/sqlite.js';
import { openSqlite } from '../storage/sqlite.js';
import { eventStreamDbPath } from './paths.js';

/**
 * A consumer's position per shard: the last sequence number it has finished with. Resume with
 * AFTER_SEQUENCE_NUMBER (or `readShard({ afterSequenceNumber })`). Shard ids repeat across streams,
 * so `consumer` must name the stream too, e.g. `${functionName}@${streamArn}` or a mapping UUID.
 */
export interface Checkpoints {
  get(consumer: string, shardId: string): string | undefined;
  set(consumer: string, shardId: string, sequenceNumber: string): void;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS checkpoints (
  consumer TEXT NOT NULL, shard_id TEXT NOT NULL, sequence_number TEXT NOT NULL, updated_ms INTEGER NOT NULL,
  PRIMARY KEY (consumer, shard_id)) WITHOUT ROWID`;

/** Checkpoints on an open event-stream database; each set commits before it returns. */
export function checkpointsIn(db: Sqlite): Checkpoints {
  db.exec(SCHEMA);
  const get = db.prepare<[string, string], { sequence_number: string }>(
    'SELECT sequence_number FROM checkpoints WHERE consumer = ? AND shard_id = ?',
  );
  const set = db.prepare(
    `INSERT INTO checkpoints (consumer, shard_id, sequence_number, updated_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (consumer, shard_id) DO UPDATE SET sequence_number = excluded.sequence_number, updated_ms = excluded.updated_ms`,
  );
  return {
    get: (consumer, shardId) => get.get(consumer, shardId)?.sequence_number,
    set: (consumer, shardId, sequenceNumber) => void set.run(consumer, shardId, sequenceNumber, Date.now()),
  };
}

/** Checkpoints of a region's event stream from outside its server (another module or process). */
export function openCheckpoints(dataDir: string): Checkpoints & { close(): void } {
  const db = openSqlite(eventStreamDbPath(dataDir));
  return { ...checkpointsIn(db), close: () => db.close() };
}
