/**
 * JSON output that can splice stored `_source` text in unchanged: the engine promises _source
 * verbatim, and skipping a parse/stringify per hit is also cheaper.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

export function stringify(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stringify(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) parts.push(`${JSON.stringify(key)}:${stringify(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
