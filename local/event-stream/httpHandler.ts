import { randomUUID } from 'node:crypto';
import { BodyTooLargeError } from '../http/server.js';
import { readLimited } from './body.js';
import type { PlainRequest, PlainResponse } from './dualProtocol.js';
import type { KinesisContext } from './context.js';
import { KinesisError } from './errors.js';
import type { Input } from './input.js';
import { OPERATIONS } from './operations.js';

const TARGET_PREFIX = 'Kinesis_20131202.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** PutRecords carries up to 5 MiB of data, which base64 and JSON inflate by about a third. */
const BODY_LIMIT = 8 * 1024 * 1024;

function json(status: number, body: unknown, requestId: string, extra: Record<string, string> = {}): PlainResponse {
  const payload = JSON.stringify(body);
  return {
    status,
    headers: { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(payload), 'x-amzn-requestid': requestId, ...extra },
    body: payload,
  };
}

function errorResponse(err: KinesisError, requestId: string): PlainResponse {
  return json(err.status, { __type: err.type, message: err.message }, requestId, { 'x-amzn-errortype': err.type });
}

/** Answers the AWS JSON 1.1 protocol: POST /, operation in X-Amz-Target, JSON in and out. */
export async function handleKinesisRequest(ctx: KinesisContext, req: PlainRequest): Promise<PlainResponse> {
  const requestId = randomUUID();
  try {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
      throw new KinesisError('UnknownOperationException', 'Expected a POST with X-Amz-Target: Kinesis_20131202.<Operation>');
    }
    const operation = OPERATIONS[target.slice(TARGET_PREFIX.length)];
    if (!operation) throw new KinesisError('UnknownOperationException', `Operation ${target} is not supported by the local event stream`);
    const raw = await readLimited(req.body, BODY_LIMIT);
    let input: unknown;
    try {
      input = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      throw new KinesisError('SerializationException', 'Request body is not valid JSON');
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new KinesisError('SerializationException', 'Request body must be a JSON object');
    }
    return json(200, operation(ctx, input as Input), requestId);
  } catch (err) {
    if (err instanceof KinesisError) return errorResponse(err, requestId);
    if (err instanceof BodyTooLargeError) return errorResponse(new KinesisError('ValidationException', err.message, 413), requestId);
    const message = err instanceof Error ? err.message : String(err);
    return errorResponse(new KinesisError('InternalFailure', message, 500), requestId);
  }
}
