import type { Sqlite } from '../storage/sqlite.js';
import { KinesisError, notFound } from './errors.js';
import { StatementCache } from '../storage/statementCache.js';

/** A stream as persisted; shards are the even split of the hash key space over `shardCount`. */
export interface StreamRow {
  name: string;
  createdMs: number;
  shardCount: number;
  retentionHours: number;
  onDemand: boolean;
}

export interface StoredRecord {
  counter: number;
  arrivalMs: number;
  partitionKey: string;
  data: Buffer;
}

export interface NewRecord {
  shardIndex: number;
  partitionKey: string;
  data: Buffer;
}

interface StreamDbRow {
  name: string;
  created_ms: number;
  shard_count: number;
  retention_hours: number;
  on_demand: number;
}

interface RecordDbRow {
  counter: number;
  arrival_ms: number;
  partition_key: string;
  data: Buffer;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS streams (
  name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, shard_count INTEGER NOT NULL,
  retention_hours INTEGER NOT NULL, on_demand INTEGER NOT NULL DEFAULT 0);
-- last_counter survives trimming, so sequence numbers never repeat within a stream incarnation.
CREATE TABLE IF NOT EXISTS shards (
  stream TEXT NOT NULL, shard INTEGER NOT NULL, last_counter INTEGER NOT NULL,
  PRIMARY KEY (stream, shard)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
  stream TEXT NOT NULL, shard INTEGER NOT NULL, counter INTEGER NOT NULL, arrival_ms INTEGER NOT NULL,
  partition_key TEXT NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (stream, shard, counter)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_arrival ON records (stream, arrival_ms);
`;

const toStream = (r: StreamDbRow): StreamRow => ({
  name: r.name,
  createdMs: r.created_ms,
  shardCount: r.shard_count,
  retentionHours: r.retention_hours,
  onDemand: r.on_demand === 1,
});

const toRecord = (r: RecordDbRow): StoredRecord => ({
  counter: r.counter,
  arrivalMs: r.arrival_ms,
  partitionKey: r.partition_key,
  data: r.data,
});

/** Streams, shards and records in SQLite: a write is acknowledged only after its transaction commits. */
export class StreamStore {
  /** Each statement prepared once: preparing costs more than running most of them. */
  private readonly sql: StatementCache;
  /** `appended` hears of every committed append (the stream's name): consumers in this process can read at once. */
  constructor(
    private readonly db: Sqlite,
    private readonly appended: (stream: string) => void = () => {},
  ) {
    this.sql = new StatementCache(this.db);
    db.exec(SCHEMA);
  }

  find(name: string): StreamRow | undefined {
    const row = this.sql.get<[string], StreamDbRow>('SELECT * FROM streams WHERE name = ?').get(name);
    return row && toStream(row);
  }

  require(name: string, accountId: string): StreamRow {
    const stream = this.find(name);
    if (!stream) throw notFound(`Stream ${name} under account ${accountId} not found.`);
    return stream;
  }

  list(): StreamRow[] {
    return this.sql.get<[], StreamDbRow>('SELECT * FROM streams ORDER BY name').all().map(toStream);
  }

  create(stream: StreamRow, accountId: string): void {
    this.db
      .transaction(() => {
        if (this.find(stream.name)) {
          throw new KinesisError('ResourceInUseException', `Stream ${stream.name} under account ${accountId} already exists.`);
        }
        this.sql
          .get('INSERT INTO streams (name, created_ms, shard_count, retention_hours, on_demand) VALUES (?, ?, ?, ?, ?)')
          .run(stream.name, stream.createdMs, stream.shardCount, stream.retentionHours, stream.onDemand ? 1 : 0);
        const shard = this.sql.get('INSERT INTO shards (stream, shard, last_counter) VALUES (?, ?, 0)');
        for (let i = 0; i < stream.shardCount; i++) shard.run(stream.name, i);
      })
      .immediate();
  }

  delete(name: string): void {
    this.db
      .transaction(() => {
        this.sql.get('DELETE FROM records WHERE stream = ?').run(name);
        this.sql.get('DELETE FROM shards WHERE stream = ?').run(name);
        this.sql.get('DELETE FROM streams WHERE name = ?').run(name);
      })
      .immediate();
  }

  setRetention(name: string, hours: number): void {
    this.sql.get('UPDATE streams SET retention_hours = ? WHERE name = ?').run(hours, name);
  }

  /** Appends records in one transaction; returns each record's per-shard counter, in input order. */
  append(stream: string, records: readonly NewRecord[], arrivalMs: number): number[] {
    const bump = this.sql.get<[string, number], { last_counter: number }>(
      'UPDATE shards SET last_counter = last_counter + 1 WHERE stream = ? AND shard = ? RETURNING last_counter',
    );
    const insert = this.sql.get(
      'INSERT INTO records (stream, shard, counter, arrival_ms, partition_key, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const counters = this.db
      .transaction(() =>
        records.map((r) => {
          const bumped = bump.get(stream, r.shardIndex);
          if (!bumped) throw notFound(`Stream ${stream} was deleted`);
          insert.run(stream, r.shardIndex, bumped.last_counter, arrivalMs, r.partitionKey, r.data);
          return bumped.last_counter;
        }),
      )
      .immediate();
    if (counters.length > 0) this.appended(stream);
    return counters;
  }

  lastCounter(stream: string, shardIndex: number): number {
    const row = this.sql
      .get<[string, number], { last_counter: number }>('SELECT last_counter FROM shards WHERE stream = ? AND shard = ?')
      .get(stream, shardIndex);
    return row?.last_counter ?? 0;
  }

  /** Records after `afterCounter`, oldest first, skipping any past retention that trimming has not removed yet. */
  read(stream: string, shardIndex: number, afterCounter: number, notBeforeMs: number, limit: number): StoredRecord[] {
    return this.sql
      .get<[string, number, number, number, number], RecordDbRow>(
        `SELECT counter, arrival_ms, partition_key, data FROM records
         WHERE stream = ? AND shard = ? AND counter > ? AND arrival_ms >= ? ORDER BY counter LIMIT ?`,
      )
      .all(stream, shardIndex, afterCounter, notBeforeMs, limit)
      .map(toRecord);
  }

  /** The counter just before the first record that arrived at or after `timestampMs` (or the tip). */
  counterBefore(stream: string, shardIndex: number, timestampMs: number): number {
    const row = this.sql
      .get<[string, number, number], { counter: number }>(
        'SELECT counter FROM records WHERE stream = ? AND shard = ? AND arrival_ms >= ? ORDER BY counter LIMIT 1',
      )
      .get(stream, shardIndex, timestampMs);
    return row ? row.counter - 1 : this.lastCounter(stream, shardIndex);
  }

  /** Deletes records older than each stream's retention period. */
  trim(nowMs: number): number {
    let removed = 0;
    const del = this.sql.get('DELETE FROM records WHERE stream = ? AND arrival_ms < ?');
    for (const s of this.list()) removed += del.run(s.name, nowMs - s.retentionHours * 3_600_000).changes;
    return removed;
  }
}
