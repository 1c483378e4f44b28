/**
 * Exact values live in the FTS table's `kw` column as single opaque tokens: "k" + hex(field) + "x" +
 * hex(value), and "e" + hex(field) for exists. Hex is all letters and digits, so the unicode61
 * tokenizer keeps each one whole, and FTS5's log-structured index makes these writes far cheaper
 * than a b-tree of (field, value) rows (measured: bulk indexing about twice as fast).
 */
const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

export function keywordToken(field: string, value: string): string {
  return `k${hex(field)}x${hex(value)}`;
}

export function existsToken(field: string): string {
  return `e${hex(field)}`;
}
