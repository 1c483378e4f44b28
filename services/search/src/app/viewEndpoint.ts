import type { APIGatewayProxyEvent } from 'aws-lambda';
import { header } from '../../../toolkit/http/headers.js';
import { CACHE_CONTROL, problem, servedIn, type ApiResult } from '../../../toolkit/http/responses.js';
import type { ViewBucket } from '../adapters/viewBucket.js';
import { isViewId } from '../domain/viewKeys.js';

/**
 * GET /views/destinations/{id}: a destination's JSON view from this region's search bucket, as stored
 * (its Content-Type and ETag), cacheable as every found read is. (Not /destinations/{id}: the
 * destinations service answers that one, from the read model.)
 */
export async function viewEndpoint(deps: { views: ViewBucket; region: string }, event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'headers'>): Promise<ApiResult> {
  return servedIn(deps.region, await answer(deps, event));
}

async function answer(deps: { views: ViewBucket; region: string }, event: Pick<APIGatewayProxyEvent, 'pathParameters' | 'headers'>): Promise<ApiResult> {
  const id = event.pathParameters?.id ?? '';
  if (!isViewId(id)) return problem(400, 'not a destination id: letters, digits, - _ and single dots, at most 128 characters');
  const view = await deps.views.get(id, header(event, 'if-none-match'));
  // Not cached: the view of a destination created a moment ago is on its way.
  if (!view) return problem(404, `no view of destination ${id} in ${deps.region}`);
  const headers = { 'content-type': view.contentType, 'cache-control': CACHE_CONTROL.read, etag: view.etag };
  return view.notModified ? { statusCode: 304, headers, body: '' } : { statusCode: 200, headers, body: view.body };
}
