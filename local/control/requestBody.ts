import type { IncomingMessage } from 'node:http';
import { parseGlobalTableDefinition } from '../global-tables/globalTableDefinition.js';
import type { GlobalTableDefinition } from '../global-tables/replicationState.js';
import { BodyTooLargeError, readBody } from '../http/server.js';
import type { DeployRequest, HealthDrillState } from './controlledCloud.js';

// Control requests are a few names and paths; anything near this is not one.
export const MAX_CONTROL_BODY = 64 * 1024;

/** A request the control API refuses: answered with `status` and `{message}`, nothing changed. */
export class RequestError extends Error {
  override name = 'RequestError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse((await readBody(req, MAX_CONTROL_BODY)).toString('utf8'));
  } catch (e) {
    throw new RequestError(e instanceof BodyTooLargeError ? 413 : 400, e instanceof BodyTooLargeError ? e.message : 'body is not valid JSON');
  }
}

export function parseDeployRequest(body: unknown): DeployRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.region !== 'string') throw new RequestError(400, 'region must be a region name such as us-east-1');
  if (!Array.isArray(b.serviceDirs) || !b.serviceDirs.every((d) => typeof d === 'string')) throw new RequestError(400, 'serviceDirs must be a list of service directories');
  if (typeof b.stage !== 'string' || !/^[a-zA-Z0-9-]+$/.test(b.stage)) throw new RequestError(400, 'stage must contain only letters, digits and -');
  if (b.force !== undefined && typeof b.force !== 'boolean') throw new RequestError(400, 'force must be true or false');
  return { region: b.region, serviceDirs: b.serviceDirs as string[], stage: b.stage, ...(b.force ? { force: true } : {}) };
}

export function parseGlobalTableRequest(body: unknown): GlobalTableDefinition {
  const parsed = parseGlobalTableDefinition(body);
  if (typeof parsed === 'string') throw new RequestError(400, parsed);
  return parsed;
}

/** `{"state": "fail"|"pass", "stage"?: name}`: the stage the health service was deployed with (default local). */
export function parseHealthDrillRequest(body: unknown): { state: HealthDrillState; stage: string } {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b.state !== 'fail' && b.state !== 'pass') throw new RequestError(400, 'state must be "fail" or "pass"');
  if (b.stage !== undefined && (typeof b.stage !== 'string' || !/^[a-zA-Z0-9-]+$/.test(b.stage))) throw new RequestError(400, 'stage must contain only letters, digits and -');
  return { state: b.state, stage: typeof b.stage === 'string' ? b.stage : 'local' };
}
