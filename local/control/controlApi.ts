import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/server.js';
import { controlAccessProblem, type ControlAccess } from './controlAccess.js';
import { HealthDrillError, type ControlledCloud } from './controlledCloud.js';
import { invalidations, type Invalidator } from './invalidations.js';
import { streamProgress } from './progressStream.js';
import { parseDeployRequest, parseGlobalTableRequest, parseHealthDrillRequest, readJsonBody, RequestError } from './requestBody.js';

type Fault = 'outage' | 'recover' | 'crash' | 'pause-replication' | 'resume-replication';
// CloudFront's CreateInvalidation for the one local distribution (POST /2020-05-31/distribution/{id}/invalidation on AWS).
const INVALIDATIONS = '/_meridian/cloudfront/invalidations';
const FAULT = /^\/_meridian\/(outage|recover|crash|pause-replication|resume-replication)\/([a-z0-9-]+)$/;
const HEALTH_DRILL = /^\/_meridian\/health-drill\/([a-z0-9-]+)$/;

/** Paths under /_meridian/ that belong to the regions, not to the control API. */
const REGION_PATHS = new Set(['/_meridian/health']);

/**
 * The local cloud's control API (`/_meridian/*`: status, faults, deploy and remove, global tables,
 * shutdown) as a request handler. It resolves false for a request outside it (the front door then sends
 * it to a region: `/_meridian/health` is the regions'), true once it has answered. Everything but
 * `GET /_meridian/status` (readiness) needs this start's token; refusals are 4xx `{message}` before
 * anything changes; any other error rejects, for the server to answer 500. `cdn` is the front door's
 * cache, for CloudFront-shaped invalidations (invalidations.ts).
 */
export function controlApi(cloud: ControlledCloud, access: ControlAccess, cdn?: Invalidator): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  const invalidation = cdn && invalidations(cdn);
  const faults: Record<Fault, (region: string) => Promise<void> | void> = {
    outage: (r) => cloud.outage(r),
    recover: (r) => cloud.recover(r),
    crash: (r) => cloud.crash(r),
    'pause-replication': (r) => cloud.pauseReplication(r),
    'resume-replication': (r) => cloud.resumeReplication(r),
  };

  async function answer(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (req.method === 'GET' && path === '/_meridian/status') {
      const status = await cloud.status();
      sendJson(res, status.ready ? 200 : 503, status, { 'cache-control': 'no-store' });
      return true;
    }
    const refused = controlAccessProblem(req, access);
    if (refused) throw refused;
    if (req.method !== 'POST') throw new RequestError(405, `${req.method} is not a control request: the control API takes GET /_meridian/status and POSTs`);
    const fault = FAULT.exec(path);
    if (fault) {
      const [, action, region] = fault as unknown as [string, Fault, string];
      const configured = cloud.regionNames();
      if (!configured.includes(region)) throw new RequestError(404, `unknown region "${region}"; configured: ${configured.join(', ')}`);
      await faults[action](region);
      sendJson(res, 200, await cloud.status());
      return true;
    }
    const drill = HEALTH_DRILL.exec(path);
    if (drill) {
      const region = drill[1]!;
      const configured = cloud.regionNames();
      if (!configured.includes(region)) throw new RequestError(404, `unknown region "${region}"; configured: ${configured.join(', ')}`);
      const { state, stage } = parseHealthDrillRequest(await readJsonBody(req));
      try {
        await cloud.healthDrill(region, state, stage);
      } catch (e) {
        if (e instanceof HealthDrillError) throw new RequestError(409, e.message);
        throw e;
      }
      sendJson(res, 200, { region, drill: state });
      return true;
    }
    if (path === '/_meridian/deploy' || path === '/_meridian/remove') {
      const request = parseDeployRequest(await readJsonBody(req));
      await streamProgress(res, (progress) => (path === '/_meridian/deploy' ? cloud.deploy(request, progress) : cloud.remove(request, progress)));
      return true;
    }
    if (path === '/_meridian/global-tables') {
      const def = parseGlobalTableRequest(await readJsonBody(req));
      await cloud.registerGlobalTable(def);
      sendJson(res, 200, { registered: def.tableName });
      return true;
    }
    if (path === INVALIDATIONS && invalidation) {
      const { invalidation: made, created } = invalidation.create(await readJsonBody(req));
      const location = `${INVALIDATIONS}/${made.Id}`;
      sendJson(res, created ? 201 : 200, { Location: location, Invalidation: made }, { location, 'cache-control': 'no-store' });
      return true;
    }
    if (path === '/_meridian/shutdown') {
      sendJson(res, 202, { message: 'stopping' });
      void cloud.stop();
      return true;
    }
    throw new RequestError(404, `no control request ${path}: see \`npx meridian --help\``);
  }

  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/_meridian/') || REGION_PATHS.has(path)) return false;
    try {
      return await answer(req, res, path);
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      sendJson(res, e.status, { message: e.message });
      return true;
    }
  };
}
