import type { Statement } from 'better-sqlite3';
import { LruMap } from './lruMap.js';
import type { Sqlite } from './sqlite.js';

/** Bounded cache of prepared statements keyed by SQL text: the same query shape is prepared once. */
export class StatementCache {
  private readonly entries: LruMap<string, Statement<unknown[]>>;

  constructor(private readonly db: Sqlite, max = 256) {
    this.entries = new LruMap(max);
  }

  /** The statement for `sql`, typed as better-sqlite3's prepare<P, R> would type it. */
  get<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    return this.entries.getOrAdd(sql, () => this.db.prepare(sql)) as unknown as Statement<P, R>;
  }
}
