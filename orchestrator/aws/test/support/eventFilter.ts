/**
 * Lambda's event filtering (event-source mapping FilterCriteria), as far as Meridian's patterns use it:
 * nested objects, lists of allowed values, and `{exists: true|false}` on a leaf. A record passes when any
 * filter's pattern matches it. Used to check a template's filters against the code's own decision.
 */
export function passesFilters(patterns: string[], record: unknown): boolean {
  return patterns.some((p) => matches(JSON.parse(p) as Record<string, unknown>, record));
}

function matches(pattern: Record<string, unknown>, node: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const value = isRecord(node) ? node[key] : undefined;
    if (Array.isArray(expected)) return expected.some((condition) => matchesLeaf(condition, value));
    if (isRecord(expected)) return matches(expected, value);
    throw new Error(`filter pattern value at "${key}" must be a list or an object, got ${JSON.stringify(expected)}`);
  });
}

function matchesLeaf(condition: unknown, value: unknown): boolean {
  if (isRecord(condition)) {
    if (typeof condition.exists === 'boolean' && Object.keys(condition).length === 1) return condition.exists === (value !== undefined);
    throw new Error(`filter condition ${JSON.stringify(condition)} is not modelled here (only exists)`);
  }
  if (value === undefined || isRecord(value)) return false;
  return Array.isArray(value) ? value.includes(condition) : value === condition;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
