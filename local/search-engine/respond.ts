import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify } from './rawJson.js';

/**
 * Every response carries X-Elastic-Product (the @elastic/elasticsearch client refuses a 2xx without
 * it) and a JSON content type; a client that asked for the versioned vendor type gets it echoed.
 */
export function contentType(req: IncomingMessage): string {
  const accept = req.headers.accept ?? '';
  const version = /compatible-with=(\d+)/.exec(accept)?.[1];
  return version && accept.includes('vnd.elasticsearch') ? `application/vnd.elasticsearch+json;compatible-with=${version}` : 'application/json; charset=UTF-8';
}

export function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const payload = body === undefined ? '' : stringify(body);
  res.writeHead(status, {
    'content-type': contentType(req),
    'x-elastic-product': 'Elasticsearch',
    'content-length': Buffer.byteLength(payload),
  });
  // HEAD answers carry the status only.
  res.end(req.method === 'HEAD' ? undefined : payload);
}
