import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accepted, found, problem, type ApiResult } from '../../../toolkit/http/responses.js';
import type { Log } from '../../../toolkit/logger.js';
import { header } from '../../../toolkit/http/headers.js';
import { checkProposal, checkUpdate } from '../domain/commandInput.js';
import { checkIdempotencyKey, keyScope, requestFingerprint } from '../domain/idempotencyKey.js';
import { isId } from '../domain/ids.js';
import { toResource } from '../domain/readModel.js';
import { callerOf } from '../http/caller.js';
import { readJsonBody } from '../http/requestBody.js';
import type { CommandOutcome, Commands } from './commands.js';
import type { Idempotently } from './idempotency.js';
import type { ReadModelStore } from './ports.js';

/**
 * The HTTP API of the service (one function, four routes):
 *   POST   /destinations        → 202 {id, region, eventId}
 *   PUT    /destinations/{id}   → 202 {id, region, eventId}   (404 unknown or removed)
 *   DELETE /destinations/{id}   → 202 {id, region, eventId}   (404 unknown or removed)
 *   GET    /destinations/{id}   → 200 the read model           (404 unknown or removed)
 * 202: the command is stored; the read model follows within moments, in every region.
 * A command with an `Idempotency-Key` runs once per key and caller within 24 h (app/idempotency.ts).
 */
export interface ApiDeps {
  commands: Commands;
  idempotently: Idempotently;
  readModel: Pick<ReadModelStore, 'get'>;
  region: string;
  log: Log;
}

/** What is read of the request (any API Gateway proxy event fits). */
export type ApiRequest = Pick<APIGatewayProxyEvent, 'httpMethod' | 'path' | 'pathParameters' | 'headers' | 'body' | 'isBase64Encoded'> & {
  requestContext: Pick<APIGatewayProxyEvent['requestContext'], 'requestId' | 'authorizer'>;
};

export type ApiHandler = (event: ApiRequest) => Promise<ApiResult>;

export function createApi(deps: ApiDeps): ApiHandler {
  const route = async (event: ApiRequest): Promise<ApiResult> => {
    const method = event.httpMethod.toUpperCase();
    const id = destinationIdOf(event);
    if (id === undefined) {
      return method === 'POST' ? keyed(event, (scope) => propose(event, scope)) : problem(405, `${method} /destinations is not supported; use POST to propose a destination`, { allow: 'POST' });
    }
    if (!isId(id)) return problem(404, 'no such destination: destination ids are UUIDs as returned by POST /destinations');
    switch (method) {
      case 'GET':
        return read(id);
      case 'PUT':
        return keyed(event, (scope) => update(event, id, scope));
      case 'DELETE':
        return keyed(event, async (scope) => answer(await deps.commands.remove(id, callerOf(event), scope)));
      default:
        return problem(405, `${method} is not supported on a destination; use GET, PUT or DELETE`, { allow: 'GET, PUT, DELETE' });
    }
  };

  // A command without a key runs as it always did; with one, once per (caller, key) in 24 h.
  const keyed = async (event: ApiRequest, run: (scope?: string) => Promise<ApiResult>): Promise<ApiResult> => {
    const raw = header(event, 'idempotency-key');
    if (raw === undefined) return run();
    const key = checkIdempotencyKey(raw);
    if (!key.ok) return problem(400, key.message);
    const scope = keyScope(callerOf(event), key.key);
    const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    return deps.idempotently({ scope, fingerprint: requestFingerprint(event.httpMethod, event.path, body) }, () => run(scope));
  };

  const propose = async (event: ApiRequest, scope: string | undefined) => {
    const body = readJsonBody(event);
    if (!body.ok) return problem(body.statusCode, body.message);
    const input = checkProposal(body.value);
    if (!input.ok) return problem(400, input.message);
    return answer(await deps.commands.propose(input.value, callerOf(event), scope));
  };

  const update = async (event: ApiRequest, id: string, scope: string | undefined) => {
    const body = readJsonBody(event);
    if (!body.ok) return problem(body.statusCode, body.message);
    const changes = checkUpdate(body.value);
    if (!changes.ok) return problem(400, changes.message);
    return answer(await deps.commands.update(id, changes.value, callerOf(event), scope));
  };

  const read = async (id: string) => {
    const view = await deps.readModel.get(id);
    const resource = view && toResource(view);
    if (!resource) return problem(404, view?.removed ? `destination ${id} was removed` : `no destination ${id} (a destination proposed a moment ago may take a moment to appear)`);
    return found(resource);
  };

  const answer = (outcome: CommandOutcome) => {
    if (!outcome.accepted) {
      return problem(404, outcome.reason === 'removed' ? 'that destination was removed' : 'no such destination in this region (a destination proposed in another region a moment ago may not have arrived yet)');
    }
    return accepted({ id: outcome.event.partitionKey, region: deps.region, eventId: outcome.event.id });
  };

  return async (event) => {
    let result: ApiResult;
    try {
      result = await route(event);
    } catch (error) {
      const requestId = event.requestContext?.requestId;
      deps.log.error('request failed', { error, method: event.httpMethod, path: event.path, requestId });
      result = problem(500, `the destinations service could not complete the request; retry it${requestId ? ` (request id ${requestId})` : ''}`);
    }
    // Every regional response names its region, on AWS as in the local cloud.
    return { ...result, headers: { ...result.headers, 'x-meridian-region': deps.region } };
  };
}

/** The {id} of /destinations/{id}, or undefined for /destinations itself. */
function destinationIdOf(event: ApiRequest): string | undefined {
  const fromRoute = event.pathParameters?.id;
  if (fromRoute !== undefined) return fromRoute;
  const match = /^\/destinations\/([^/]+)\/?$/.exec(event.path);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]; // malformed %-escapes: not an id, so a 404
  }
}
