/** One `http` event of a deployed function: API Gateway's resource path and method. */
export interface ApiRoute {
  service: string;
  functionName: string;
  /** Upper case, or ANY. */
  method: string;
  /** `/destinations/{id}`, `/files/{proxy+}`. */
  path: string;
}

export interface RouteMatch {
  route: ApiRoute;
  pathParameters: Record<string, string> | null;
}

/** A route's path split into literal and parameter segments; `{name+}` takes the rest of the path. */
type Segment = { literal: string } | { param: string; greedy: boolean };

interface CompiledRoute {
  route: ApiRoute;
  segments: Segment[];
}

/**
 * The region's API routes, by service. Matching prefers what API Gateway prefers: literal segments over
 * parameters, parameters over greedy ones, a method over ANY.
 */
export class ApiRoutes {
  private readonly byService = new Map<string, CompiledRoute[]>();

  /** Replaces a service's routes; fails (changing nothing) when another service owns one of them. */
  set(service: string, routes: ApiRoute[]): void {
    const compiled = routes.map((route) => ({ route, segments: compile(route.path) }));
    for (const [other, theirs] of this.byService) {
      if (other === service) continue;
      for (const mine of compiled) {
        const clash = theirs.find((t) => sameShape(t, mine) && (t.route.method === mine.route.method || t.route.method === 'ANY' || mine.route.method === 'ANY'));
        if (clash) throw new Error(`${mine.route.method} ${mine.route.path} is already served by service ${other} (${clash.route.method} ${clash.route.path})`);
      }
    }
    if (compiled.length) this.byService.set(service, compiled);
    else this.byService.delete(service);
  }

  remove(service: string): void {
    this.byService.delete(service);
  }

  list(): ApiRoute[] {
    return [...this.byService.values()].flat().map((c) => c.route);
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/').filter(Boolean);
    let best: { match: RouteMatch; score: number[] } | undefined;
    for (const candidate of [...this.byService.values()].flat()) {
      if (candidate.route.method !== method && candidate.route.method !== 'ANY') continue;
      const params = matchSegments(candidate.segments, parts);
      if (!params) continue;
      const score = [
        ...candidate.segments.map((s) => ('literal' in s ? 2 : s.greedy ? 0 : 1)),
        candidate.route.method === 'ANY' ? 0 : 1,
      ];
      if (!best || compareScores(score, best.score) > 0) {
        best = { match: { route: candidate.route, pathParameters: Object.keys(params).length ? params : null }, score };
      }
    }
    return best?.match;
  }
}

function compile(path: string): Segment[] {
  return path.split('/').filter(Boolean).map((s) => {
    const m = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(s);
    return m ? { param: m[1]!, greedy: m[2] === '+' } : { literal: s };
  });
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if ('literal' in s) {
      if (parts[i] !== s.literal) return undefined;
    } else if (s.greedy) {
      if (i >= parts.length) return undefined;
      params[s.param] = parts.slice(i).map(decode).join('/');
      return params;
    } else {
      if (parts[i] === undefined) return undefined;
      params[s.param] = decode(parts[i]!);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function sameShape(a: CompiledRoute, b: CompiledRoute): boolean {
  if (a.segments.length !== b.segments.length) return false;
  return a.segments.every((s, i) => {
    const t = b.segments[i]!;
    return 'literal' in s ? 'literal' in t && t.literal === s.literal : !('literal' in t);
  });
}

function compareScores(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
