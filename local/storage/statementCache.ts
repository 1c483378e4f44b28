import type { Statement } from 'better-sqlite3';
import type { Sqlite } from './sqlite.js';

/** Bounded cache of prepared statements keyed by SQL text: the same query shape is prepared once. */
export class StatementCache {
  private readonly entries = new Map<string, Statement<unknown[]>>();
  constructor(private readonly db: Sqlite, private readonly max = 256) {}

  /** The statement for `sql`, typed as better-sqlite3's prepare<P, R> would type it. */
  get<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let stmt = this.entries.get(sql);
    if (stmt) {
      this.entries.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      if (this.entries.size >= this.max) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
    }
    this.entries.set(sql, stmt);
    return stmt as unknown as Statement<P, R>;
  }
}
