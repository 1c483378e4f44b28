import { LruMap } from '../storage/lruMap.js';
import type { IndexHandle } from './indexStore.js';
import type { SqlQuery } from './queryTranslator.js';
import type { Scored } from './ranking.js';

/**
 * The ranked top of recent queries, per index version. Ranking a word found in thousands of documents
 * costs milliseconds (bm25 scores every match) and popular searches repeat; an answer stays valid
 * exactly as long as the index is unchanged, so any write (the index's sequence number moves) drops
 * every entry of that index: what is served is always what ranking now would give.
 */
export class TopCache {
  private readonly perIndex = new WeakMap<IndexHandle, { uuid: string; seqNo: number; tops: LruMap<string, Scored[]> }>();

  constructor(
    private readonly maxEntries = 512,
    /** Deeper pages are rare and large: not worth the memory. */
    private readonly maxWant = 100,
  ) {}

  /** The cached top, or `rank()`'s, remembered for this version of the index. */
  top(index: IndexHandle, query: SqlQuery, want: number, minScore: number | undefined, rank: () => Scored[]): Scored[] {
    if (want > this.maxWant) return rank();
    let entry = this.perIndex.get(index);
    if (!entry || entry.seqNo !== index.seqNo || entry.uuid !== index.uuid) {
      entry = { uuid: index.uuid, seqNo: index.seqNo, tops: new LruMap(this.maxEntries) };
      this.perIndex.set(index, entry);
    }
    // Parameters are JSON-encoded so that no text can make two different queries share a key.
    const key = `${want}\u0000${minScore ?? ''}\u0000${query.sql}\u0000${JSON.stringify(query.params)}`;
    return entry.tops.getOrAdd(key, rank);
  }
}
