import type { ViewBucket } from '../adapters/viewBucket.js';
import { isViewId } from '../domain/viewKeys.js';
import type { ApiGatewayEvent, ApiGatewayResult } from '../http/lambdaEvents.js';
import { header, problem, SHORT_CACHE } from '../http/responses.js';

/**
 * GET /views/destinations/{id}: a destination's JSON view from this region's search bucket, as stored
 * (its Content-Type, Cache-Control and ETag), so the front door caches it as the view says. (Not
 * /destinations/{id}: the destinations service answers that one, from the read model.)
 */
export async function viewEndpoint(deps: { views: ViewBucket; region: string }, event: ApiGatewayEvent): Promise<ApiGatewayResult> {
  const id = event.pathParameters?.id ?? '';
  if (!isViewId(id)) return problem(400, 'not a destination id: letters, digits, - _ and single dots, at most 128 characters');
  const view = await deps.views.get(id, header(event.headers, 'if-none-match'));
  if (!view) return problem(404, `no view of destination ${id} in ${deps.region}`, SHORT_CACHE);
  const headers = { 'content-type': view.contentType, 'cache-control': view.cacheControl, etag: view.etag };
  return view.notModified ? { statusCode: 304, headers, body: '' } : { statusCode: 200, headers, body: view.body };
}
