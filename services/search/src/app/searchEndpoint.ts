import { SearchUnavailableError, type SearchView } from '../adapters/searchView.js';
import type { ApiGatewayEvent, ApiGatewayResult } from '../http/lambdaEvents.js';
import { header, json, problem, SHORT_CACHE } from '../http/responses.js';
import type { Log } from './log.js';
import { parseSearchRequest } from './searchRequest.js';

export interface SearchEndpointDeps {
  search: SearchView;
  /** Where result links point (the front door); undefined: the host the request came to. */
  frontDoorUrl: string | undefined;
  region: string;
  log: Log;
}

/** One search result: `url` fetches the destination's JSON view through the front door. */
export interface SearchResult {
  id: string;
  name: string;
  description: string;
  url: string;
}

/** GET /search?q=TEXT&size=N: this region's best matches, best first. */
export async function searchEndpoint(deps: SearchEndpointDeps, event: ApiGatewayEvent): Promise<ApiGatewayResult> {
  const request = parseSearchRequest(event.queryStringParameters);
  if (!request.ok) return problem(400, request.reason);
  try {
    const hits = await deps.search.search(request.text, request.size);
    const base = deps.frontDoorUrl ?? requestBaseUrl(event);
    const results: SearchResult[] = hits.map((h) => ({ id: h.id, name: h.name, description: h.description, url: viewUrl(base, h.id) }));
    return json(200, results, SHORT_CACHE);
  } catch (err) {
    if (err instanceof SearchUnavailableError) {
      deps.log.error('search engine unavailable', { error: err.message });
      return problem(503, `search is unavailable in ${deps.region} right now; try again shortly`);
    }
    throw err;
  }
}

export function viewUrl(base: string, id: string): string {
  return `${base.replace(/\/+$/, '')}/views/destinations/${encodeURIComponent(id)}`;
}

/**
 * Without a configured front door: the address the request came to (API Gateway's execute-api
 * address carries the stage in its path; a custom domain does not).
 */
function requestBaseUrl(event: ApiGatewayEvent): string {
  const host = header(event.headers, 'host') ?? 'localhost';
  const proto = header(event.headers, 'x-forwarded-proto') ?? 'https';
  const stage = event.requestContext?.stage;
  return host.includes('.execute-api.') && stage ? `${proto}://${host}/${stage}` : `${proto}://${host}`;
}
