import type { APIGatewayProxyResult } from 'aws-lambda';
import { CACHE_CONTROL, JSON_CONTENT_TYPE } from '../../../services/toolkit/http/responses.js';
import type { Log } from '../../../services/toolkit/logger.js';
import { checkHealth, type HealthOptions } from './healthCheck.js';

/**
 * GET /health: 200 `{region, checks}` when every dependency answered, 503 `{region, message, failed,
 * checks}` naming what did not (or the drill). Never cached: a health answer describes this moment, and
 * the front door and Route 53 must see the next one.
 */
export async function healthEndpoint(deps: HealthOptions & { log: Log }): Promise<APIGatewayProxyResult> {
  const report = await checkHealth(deps);
  const headers = { 'content-type': JSON_CONTENT_TYPE, 'cache-control': CACHE_CONTROL.never };
  if (report.failed.length === 0) {
    return { statusCode: 200, headers, body: JSON.stringify({ region: report.region, checks: report.checks }) };
  }
  deps.log.warn('unhealthy', { failed: report.failed, checks: report.checks });
  const message = report.failed.includes('drill') && report.failed.length === 1
    ? `${report.region} is failed on purpose (drill); \`meridian health ${report.region} pass\` ends it`
    : `${report.region} is unhealthy: ${report.failed.join(', ')} failed`;
  return { statusCode: 503, headers, body: JSON.stringify({ region: report.region, message, failed: report.failed, checks: report.checks }) };
}
