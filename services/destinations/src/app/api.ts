import type { APIGatewayProxyEvent } from 'aws-lambda';
import { accepted, found, problem, type ApiResult } from '../../../toolkit/http/responses.js';
import type { Log } from '../../../toolkit/logger.js';
import { checkProposal, checkUpdate } from '../domain/commandInput.js';
import { isId } from '../domain/ids.js';
import { toResource } from '../domain/readModel.js';
import { callerOf } from '../http/caller.js';
import { readJsonBody } from '../http/requestBody.js';
import type { CommandOutcome, Commands } from './commands.js';
import type { ReadModelStore } from './ports.js';

/**
 * The HTTP API of the service (one function, four routes):
 *   POST   /destinations        → 202 {id, region, eventId}
 *   PUT    /destinations/{id}   → 202 {id, region, eventId}   (404 unknown or removed)
 *   DELETE /destinations/{id}   → 202 {id, region, eventId}   (404 unknown or removed)
 *   GET    /destinations/{id}   → 200 the read model           (404 unknown or removed)
 * 202: the command is stored; the read model follows within moments, in every region.
 */
export interface ApiDeps {
  commands: Commands;
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
      return method === 'POST' ? propose(event) : problem(405, `${method} /destinations is not supported; use POST to propose a destination`, { allow: 'POST' });
    }
    if (!isId(id)) return problem(404, 'no such destination: destination ids are UUIDs as returned by POST /destinations');
    switch (method) {
      case 'GET':
        return read(id);
      case 'PUT':
        return update(event, id);
      case 'DELETE':
        return answer(await deps.commands.remove(id, callerOf(event)));
      default:
        return problem(405, `${method} is not supported on a destination; use GET, PUT or DELETE`, { allow: 'GET, PUT, DELETE' });
    }
  };

  const propose = async (event: ApiRequest) => {
    const body = readJsonBody(event);
    if (!body.ok) return problem(body.statusCode, body.message);
    const input = checkProposal(body.value);
    if (!input.ok) return problem(400, input.message);
    return answer(await deps.commands.propose(input.value, callerOf(event)));
  };

  const update = async (event: ApiRequest, id: string) => {
    const body = readJsonBody(event);
    if (!body.ok) return problem(body.statusCode, body.message);
    const changes = checkUpdate(body.value);
    if (!changes.ok) return problem(400, changes.message);
    return answer(await deps.commands.update(id, changes.value, callerOf(event)));
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
