import type { APIGatewayProxyEvent } from 'aws-lambda';
import { header } from '../../../toolkit/http/headers.js';

/** Commands are a few hundred bytes; 16 KB leaves room for a 2000-character description in any script. */
export const MAX_BODY_BYTES = 16 * 1024;

export type BodyOutcome = { ok: true; value: unknown } | { ok: false; statusCode: 400 | 413 | 415; message: string };

/** The request's JSON body, bounded in size, from a JSON (or unspecified) content type. */
export function readJsonBody(event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>): BodyOutcome {
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim())) {
    return { ok: false, statusCode: 415, message: 'send the body as application/json' };
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) return { ok: false, statusCode: 413, message: `the body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES}` };
  if (bytes.length === 0) return { ok: false, statusCode: 400, message: 'the body is empty; send a JSON object' };
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { ok: false, statusCode: 400, message: 'the body is not valid JSON' };
  }
}
