import type { Statement } from 'better-sqlite3';
import type { Sqlite } from '../storage/sqlite.js';
import type { IndexHandle } from './indexStore.js';
import { quote } from './tokenize.js';

/**
 * Per-index statistics the ranker plans with: the document count, and how many documents a word is
 * found in (its document frequency, as bm25's idf counts it: within the columns searched). Counting
 * stops at half the documents, where FTS5 floors the idf to 1e-6: beyond that the exact count changes
 * nothing. Both are cached per index and refreshed as it changes (its sequence number counts every
 * write); word counts are kept until 1% of the index has changed, so bounds computed from them carry
 * a margin (see ranking.ts).
 */
export class TermStats {
  private readonly perIndex = new WeakMap<IndexHandle, { seqNo: number; docs: number; frequencies: Map<string, number>; since: number }>();
  private readonly countDocs = new Map<string, Statement<[], { n: number }>>();
  private readonly cappedCount = new Map<string, Statement<[string, number], { n: number }>>();

  constructor(private readonly db: Sqlite, private readonly maxCachedWords = 10_000) {}

  docCount(index: IndexHandle): number {
    return this.entry(index).docs;
  }

  /**
   * Documents holding `word` in `columns` (an FTS5 column filter), exact below half the documents and
   * capped there: a common word costs at most N/2 steps to count, a rare one its own matches.
   */
  documentFrequency(index: IndexHandle, columns: string, word: string): number {
    const entry = this.entry(index);
    const key = `${columns}\u0000${word}`;
    let found = entry.frequencies.get(key);
    if (found === undefined) {
      found = this.cappedCountOf(index).get(`${columns} : (${quote(word)})`, Math.ceil(entry.docs / 2))?.n ?? 0;
      if (entry.frequencies.size >= this.maxCachedWords) entry.frequencies.clear();
      entry.frequencies.set(key, found);
    }
    return found;
  }

  /** Writes to the index since its cached word counts were taken: each may have moved a count by one. */
  staleness(index: IndexHandle): number {
    const entry = this.entry(index);
    return index.seqNo - entry.since;
  }

  private entry(index: IndexHandle) {
    let entry = this.perIndex.get(index);
    if (!entry || entry.seqNo !== index.seqNo) {
      const docs = this.countDocsOf(index).get()?.n ?? 0;
      // Word counts survive small changes: drop them once 1% of the index (at least 100 writes) changed.
      const keep = entry && index.seqNo - entry.since < Math.max(100, entry.docs / 100);
      entry = { seqNo: index.seqNo, docs, frequencies: keep && entry ? entry.frequencies : new Map(), since: keep && entry ? entry.since : index.seqNo };
      this.perIndex.set(index, entry);
    }
    return entry;
  }

  private countDocsOf(index: IndexHandle): Statement<[], { n: number }> {
    let stmt = this.countDocs.get(index.docsTable);
    if (!stmt) this.countDocs.set(index.docsTable, (stmt = this.db.prepare(`SELECT count(*) AS n FROM ${index.docsTable}`)));
    return stmt;
  }

  private cappedCountOf(index: IndexHandle): Statement<[string, number], { n: number }> {
    const t = index.ftsTable;
    let stmt = this.cappedCount.get(t);
    if (!stmt) this.cappedCount.set(t, (stmt = this.db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${t} WHERE ${t} MATCH ? LIMIT ?)`)));
    return stmt;
  }
}
