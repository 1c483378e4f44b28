import { EsError } from './esErrors.js';

/**
 * A tiny path router: patterns like `:index/_doc/:id`, one handler per method. Path segments are
 * URL-decoded after splitting, so an id holding `%2F` stays one segment.
 */
export interface RequestContext {
  params: Record<string, string>;
  query: URLSearchParams;
  method: string;
  /** The request body as text ('' when none). */
  text: string;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
}

export type Handler = (ctx: RequestContext) => HandlerResult;

interface Route {
  parts: string[];
  methods: Record<string, Handler>;
}

export class Router {
  private readonly routes: Route[] = [];

  on(pattern: string, methods: Record<string, Handler>): this {
    this.routes.push({ parts: pattern === '' ? [] : pattern.split('/'), methods });
    return this;
  }

  /** Finds the handler, or throws the 400/405 Elasticsearch answers for unknown uris and methods. */
  resolve(method: string, path: string): { handler: Handler; params: Record<string, string> } {
    let segments: string[];
    try {
      segments = path.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    } catch {
      throw new EsError(400, 'illegal_argument_exception', `invalid escape in uri [${path}]`);
    }
    for (const route of this.routes) {
      const params = match(route.parts, segments);
      if (!params) continue;
      const handler = route.methods[method];
      if (!handler) {
        throw new EsError(405, 'method_not_allowed', `Incorrect HTTP method for uri [${path}] and method [${method}], allowed: [${Object.keys(route.methods).join(', ')}]`);
      }
      return { handler, params };
    }
    throw new EsError(400, 'illegal_argument_exception', `no handler found for uri [${path}] and method [${method}]`);
  }
}

function match(parts: string[], segments: string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const seg = segments[i] as string;
    if (part.startsWith(':')) params[part.slice(1)] = seg;
    else if (part !== seg) return null;
  }
  return params;
}
