import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { BodyTooLargeError, readBody } from '../http/server.js';
import { ACTIONS } from './actions.js';
import { SnsError } from './errors.js';
import { QueryParams } from './form.js';
import type { TopicService } from './topicService.js';
import { actionResponse, errorResponse } from './xml.js';

/** Publish allows 256 KiB of message plus attributes; form encoding can triple that. */
const BODY_LIMIT = 1024 * 1024;

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': requestId });
  res.end(xml);
}

/** The SNS Query protocol: form-encoded POST (or GET with a query string), `Action=…`, XML answers. */
export async function handleSnsRequest(service: TopicService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  try {
    const query = new URL(req.url ?? '/', 'http://local').searchParams;
    const body = req.method === 'POST' ? (await readBody(req, BODY_LIMIT)).toString('utf8') : '';
    const params = new URLSearchParams(body);
    for (const [k, v] of query) if (!params.has(k)) params.append(k, v);
    const actionName = params.get('Action') ?? '';
    const action = ACTIONS[actionName];
    if (!action) throw new SnsError('InvalidAction', `The action ${actionName} is not valid for this endpoint.`);
    sendXml(res, 200, actionResponse(actionName, action(service, new QueryParams(params)), requestId), requestId);
  } catch (err) {
    const e =
      err instanceof SnsError
        ? err
        : err instanceof BodyTooLargeError
          ? new SnsError('RequestEntityTooLarge', err.message, 413)
          : new SnsError('InternalError', err instanceof Error ? err.message : String(err), 500, 'Receiver');
    sendXml(res, e.status, errorResponse(e.type, e.code, e.message, requestId), requestId);
  }
}
