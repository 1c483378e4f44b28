/**
 * Turns a JSON document into what gets indexed: full text per dotted field path, exact values for
 * term/terms/exists, and numbers (and dates) for range. Arrays index every element under the same
 * path, as Elasticsearch does.
 */
export interface FlatDocument {
  /** dotted path → text pieces (joined by newlines in the FTS column). */
  text: Map<string, string[]>;
  /** [path, exact value]; numbers and booleans as their canonical strings. */
  keywords: Array<[string, string]>;
  /** [path, number]; ISO-looking date strings as epoch milliseconds, as ES's date type ranges them. */
  numbers: Array<[string, number]>;
  /** every path holding a value (for exists). */
  present: Set<string>;
}

/** Strings longer than this are full text only, like ES's dynamic keyword `ignore_above: 256`. */
export const IGNORE_ABOVE = 256;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function flattenDocument(doc: Record<string, unknown>): FlatDocument {
  const out: FlatDocument = { text: new Map(), keywords: [], numbers: [], present: new Set() };
  for (const [key, value] of Object.entries(doc)) visit(value, key, out);
  return out;
}

/** Canonical exact form of a scalar, shared by indexing and term queries ("5" and 5 agree, as ES coerces). */
export function keywordForm(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** A date string as epoch ms, or undefined when it does not look like a date. */
export function dateMillis(value: string): number | undefined {
  if (!DATE_LIKE.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function visit(value: unknown, path: string, out: FlatDocument): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    out.present.add(path);
    const pieces = out.text.get(path);
    if (pieces) pieces.push(value);
    else out.text.set(path, [value]);
    if (value.length <= IGNORE_ABOVE) out.keywords.push([path, value]);
    const ms = dateMillis(value);
    if (ms !== undefined) out.numbers.push([path, ms]);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) return;
    out.present.add(path);
    out.keywords.push([path, String(value)]);
    out.numbers.push([path, value]);
  } else if (typeof value === 'boolean') {
    out.present.add(path);
    out.keywords.push([path, String(value)]);
  } else if (Array.isArray(value)) {
    for (const item of value) visit(item, path, out);
  } else if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) visit(child, `${path}.${key}`, out);
  }
}
