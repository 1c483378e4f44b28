/**
 * Turns a JSON document into what gets indexed: full text per dotted field path, and exact
 * ("keyword") values for term/range/exists. Arrays index every element under the same path,
 * as Elasticsearch does.
 */
export type KeywordValue = string | number;

export interface FlatDocument {
  /** dotted path → text pieces (joined by newlines in the FTS column). */
  text: Map<string, string[]>;
  /** [path, value] pairs; strings longer than IGNORE_ABOVE are text-only (ES's keyword ignore_above). */
  keywords: Array<[string, KeywordValue]>;
}

export const IGNORE_ABOVE = Number(process.env.IA ?? 256);

export function flattenDocument(doc: Record<string, unknown>): FlatDocument {
  const out: FlatDocument = { text: new Map(), keywords: [] };
  for (const [key, value] of Object.entries(doc)) visit(value, key, out);
  return out;
}

function visit(value: unknown, path: string, out: FlatDocument): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    const pieces = out.text.get(path);
    if (pieces) pieces.push(value);
    else out.text.set(path, [value]);
    if (value.length <= IGNORE_ABOVE) out.keywords.push([path, value]);
  } else if (typeof value === 'number') {
    if (Number.isFinite(value)) out.keywords.push([path, value]);
  } else if (typeof value === 'boolean') {
    // Stored as text: SQLite has no boolean and the query side converts `true` the same way.
    out.keywords.push([path, String(value)]);
  } else if (Array.isArray(value)) {
    for (const item of value) visit(item, path, out);
  } else if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) visit(child, `${path}.${key}`, out);
  }
}
