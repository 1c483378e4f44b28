import type { APIGatewayProxyEvent } from 'aws-lambda';
import { header } from '../../../toolkit/http/headers.js';
import { found, problem, servedIn, type ApiResult } from '../../../toolkit/http/responses.js';
import type { Log } from '../../../toolkit/logger.js';
import { SearchUnavailableError, type SearchView } from '../adapters/searchView.js';
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

/** What is read of the request (any API Gateway proxy event fits). */
export type SearchRequest = Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'headers'> & { requestContext: Pick<APIGatewayProxyEvent['requestContext'], 'stage'> };

/** GET /search?q=TEXT&size=N: this region's best matches, best first. */
export async function searchEndpoint(deps: SearchEndpointDeps, event: SearchRequest): Promise<ApiResult> {
  return servedIn(deps.region, await answer(deps, event));
}

async function answer(deps: SearchEndpointDeps, event: SearchRequest): Promise<ApiResult> {
  const request = parseSearchRequest(event.queryStringParameters);
  if (!request.ok) return problem(400, request.reason);
  try {
    const hits = await deps.search.search(request.text, request.size);
    const base = deps.frontDoorUrl ?? requestBaseUrl(event);
    const results: SearchResult[] = hits.map((h) => ({ id: h.id, name: h.name, description: h.description, url: viewUrl(base, h.id) }));
    return found(results);
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
function requestBaseUrl(event: SearchRequest): string {
  const host = header(event, 'host') ?? 'localhost';
  const proto = header(event, 'x-forwarded-proto') ?? 'https';
  const stage = event.requestContext?.stage;
  return host.includes('.execute-api.') && stage ? `${proto}://${host}/${stage}` : `${proto}://${host}`;
}
