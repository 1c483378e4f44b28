import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Sqlite = Database.Database;

/**
 * Opens (creating) a SQLite file for local-cloud state. WAL lets readers run beside one writer;
 * synchronous=NORMAL in WAL mode survives a process kill -9 (only an OS crash can lose the last commits).
 */
export function openSqlite(path: string): Sqlite {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}
