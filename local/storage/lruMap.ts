/** A map that keeps its `max` most recently used entries: what both the statement and the top caches need. */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  /** The value for `key`, made (and remembered, evicting the least recently used) when absent. */
  getOrAdd(key: K, make: () => V): V {
    if (this.entries.has(key)) {
      const found = this.entries.get(key) as V;
      // A Map iterates in insertion order: re-inserting makes this the most recently used.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    const made = make();
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, made);
    return made;
  }
}
