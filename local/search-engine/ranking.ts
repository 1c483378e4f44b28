import type { IndexHandle } from './indexStore.js';
import { matchExpression, renderFts, type FtsPlan, type SqlQuery } from './queryTranslator.js';
import type { StatementCache } from '../storage/statementCache.js';
import type { TermStats } from './termStats.js';

/**
 * Picks the best `want` rows of a query without scoring every match where it can prove (or, for words
 * that carry no weight, argue) the result is the same.
 *
 * bm25 costs about ten times what merely walking the matches costs, and FTS5 must score every match
 * before it can sort: a word found in many documents makes any query holding it cost the whole index.
 * For a words-ORed full-text query on a large index:
 *
 * 1. Words found in half the documents or more are dropped from the ranking: FTS5 floors their idf to
 *    1e-6, so they change no score by more than about 2e-6. Documents that match only such words score
 *    at that floor; they fill the page only when fewer than a page of documents match a rarer word, and
 *    then from the newest matches (step 3). Elasticsearch's old "common terms" query made the same cut.
 * 2. Among the rarer words, MaxScore: a word's bm25 contribution is below idf × (k1 + 1) whatever its
 *    frequency and field weights. Score only the documents that match the rarest word(s); if the page's
 *    last score beats the sum of the other words' bounds, no other document can enter the page, and the
 *    result is exact. Otherwise add the next rarest word, or rank everything.
 * 3. A query made only of such common words has every score at the floor: rank the newest
 *    COMMON_WORDS_WINDOW of its matches.
 *
 * Phrases, AND queries, anything but full text, and small indices are ranked exactly, as written.
 */
export interface Scored {
  rid: number;
  score: number;
}

/** The newest matches ranked when every word of a query is a common one. */
export const COMMON_WORDS_WINDOW = 1_000;
/** FTS5's bm25 constants (fts5_aux.c): the largest share of one word's score is k1 + 1. */
const K1 = 1.2;
/** Below this many matching documents in all, ranking everything costs about a millisecond: do it. */
const CHEAP_MATCHES = 5_000;
/** Tries of the MaxScore cut (1, then 2 essential words) before ranking everything. */
const MAX_CUTS = 2;

export class Ranker {
  constructor(
    private readonly statements: StatementCache,
    private readonly stats: TermStats,
    /** Shortcuts apply from this many documents up. */
    private readonly fromDocs: number,
  ) {}

  top(index: IndexHandle, query: SqlQuery, want: number, minScore?: number): Scored[] {
    const plan = query.fts;
    if (!plan || plan.phrase || plan.operator !== 'or' || minScore !== undefined) return this.exact(query, want, minScore);
    const docs = this.stats.docCount(index);
    if (docs < this.fromDocs) return this.exact(query, want);

    const words = plan.tokens.map((word) => ({ word, df: this.stats.documentFrequency(index, plan.columns, word) }));
    const rare = words.filter((w) => w.df * 2 < docs).sort((a, b) => a.df - b.df);
    if (rare.length === 0) return this.newest(index, query, plan, want);
    const rows = this.rankRare(index, plan, rare, docs, want);
    if (rows.length >= want || rare.length === words.length) return rows;
    return mergeTop(rows, this.newest(index, query, plan, want), want);
  }

  private exact(query: SqlQuery, want: number, minScore?: number): Scored[] {
    const filter = minScore === undefined ? '' : ' WHERE score >= ?';
    return this.statements
      .get(`SELECT rid, score FROM (${query.sql})${filter} ORDER BY score DESC, rid LIMIT ?`)
      .all(...query.params, ...(minScore === undefined ? [] : [minScore]), want) as Scored[];
  }

  /** Step 2: the rarer words (rarest first), exact, scoring as few documents as the bounds allow. */
  private rankRare(index: IndexHandle, plan: FtsPlan, rare: Array<{ word: string; df: number }>, docs: number, want: number): Scored[] {
    const tokens = rare.map((w) => w.word);
    const ranked = renderFts(index.ftsTable, plan, { tokens });
    if (rare.reduce((sum, w) => sum + w.df, 0) < CHEAP_MATCHES) return this.exact(ranked, want);
    // Counts may be up to `stale` writes old: bound each word's idf from its smallest possible count.
    const stale = this.stats.staleness(index);
    for (let essential = 1; essential <= MAX_CUTS && essential < rare.length; essential++) {
      const others = rare.slice(essential).reduce((sum, w) => sum + maxContribution(Math.max(0, w.df - stale), docs), 0);
      const bound = others * plan.scale * (1 + 1e-9);
      const rows = this.exact(renderFts(index.ftsTable, plan, { tokens, within: matchExpression(plan, tokens.slice(0, essential)) }), want);
      const last = rows[want - 1];
      if (last && last.score > bound) return rows;
    }
    return this.exact(ranked, want);
  }

  /** Step 3: the newest matches only (all of them when there are fewer than the window). */
  private newest(index: IndexHandle, query: SqlQuery, plan: FtsPlan, want: number): Scored[] {
    const window = Math.max(COMMON_WORDS_WINDOW, want);
    const start = this.statements
      .get(`SELECT rowid AS rid FROM ${index.ftsTable} WHERE ${index.ftsTable} MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?`)
      .get(matchExpression(plan), window - 1) as { rid: number } | undefined;
    return this.exact(start === undefined ? query : renderFts(index.ftsTable, plan, { minRowid: start.rid }), want);
  }
}

/** FTS5's idf (floored at 1e-6) times k1 + 1: no document gets more than this from one word. */
export function maxContribution(df: number, docs: number): number {
  const idf = Math.log((docs - df + 0.5) / (df + 0.5));
  return (idf <= 0 ? 1e-6 : idf) * (K1 + 1);
}

/** Rows from the rarer words first (they outscore the floor), then others, each document once. */
function mergeTop(first: Scored[], then: Scored[], want: number): Scored[] {
  const seen = new Set(first.map((r) => r.rid));
  const merged = [...first, ...then.filter((r) => !seen.has(r.rid))];
  merged.sort((a, b) => b.score - a.score || a.rid - b.rid);
  return merged.slice(0, want);
}
