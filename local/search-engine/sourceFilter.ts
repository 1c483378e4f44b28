/** `_source` filtering (false, "field", ["a.*"], {includes, excludes}) with `*` wildcards on dotted paths. */
export interface SourceFilter {
  fetch: boolean;
  includes: RegExp[];
  excludes: RegExp[];
}

function toPatterns(value: unknown): RegExp[] {
  const list = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  return list
    .filter((p): p is string => typeof p === 'string' && p.length > 0)
    .map((p) => new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
}

/** null means "return _source as stored". */
export function parseSourceFilter(body: unknown, params: URLSearchParams): SourceFilter | null {
  let spec = body;
  const param = params.get('_source');
  if (param !== null) spec = param === 'false' ? false : param === 'true' ? true : param;
  const includes = toPatterns(params.get('_source_includes') ?? undefined);
  const excludes = toPatterns(params.get('_source_excludes') ?? undefined);
  if (spec === false) return { fetch: false, includes, excludes };
  if (typeof spec === 'string' || Array.isArray(spec)) includes.push(...toPatterns(spec));
  else if (spec && typeof spec === 'object') {
    const o = spec as Record<string, unknown>;
    includes.push(...toPatterns(o.includes ?? o.include));
    excludes.push(...toPatterns(o.excludes ?? o.exclude));
  }
  return includes.length === 0 && excludes.length === 0 ? null : { fetch: true, includes, excludes };
}

export function applySourceFilter(source: Record<string, unknown>, filter: SourceFilter): Record<string, unknown> {
  return filterObject(source, '', false, filter) ?? {};
}

function filterObject(obj: Record<string, unknown>, prefix: string, included: boolean, f: SourceFilter): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const kept = filterValue(value, prefix ? `${prefix}.${key}` : key, included, f);
    if (kept !== undefined) out[key] = kept;
  }
  return included || Object.keys(out).length > 0 ? out : undefined;
}

function filterValue(value: unknown, path: string, parentIncluded: boolean, f: SourceFilter): unknown {
  if (f.excludes.some((p) => p.test(path))) return undefined;
  const included = parentIncluded || f.includes.length === 0 || f.includes.some((p) => p.test(path));
  if (Array.isArray(value)) {
    const items = value.map((v) => filterValue(v, path, included, f)).filter((v) => v !== undefined);
    return included || items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') return filterObject(value as Record<string, unknown>, path, included, f);
  return included ? value : undefined;
}
