import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GlobalTableDefinition } from '../../global-tables/replicationState.js';
import { freePort } from '../../http/freePort.js';
import { close, listen, sendJson } from '../../http/server.js';
import { importedFolders } from '../../test/support/moduleImports.js';
import { controlApi } from '../controlApi.js';
import { HealthDrillError, type ControlledCloud, type DeployRequest } from '../controlledCloud.js';
import type { ProgressMessage } from '../progressStream.js';
import { MAX_CONTROL_BODY } from '../requestBody.js';

/** A cloud that records what it is asked; a deploy runs until the test opens `deployGate`. */
class RecordingCloud implements ControlledCloud {
  calls: string[] = [];
  ready = true;
  failWith: Error | undefined;
  deployGate: Promise<void> = Promise.resolve();
  regionNames = () => ['us-east-1', 'us-west-2'];
  status = async () => ({ ready: this.ready, regions: this.regionNames() });
  async deploy(req: DeployRequest, progress: (line: string) => void): Promise<string[]> {
    this.calls.push(`deploy ${JSON.stringify(req)}`);
    progress('loading services');
    await this.deployGate;
    if (this.failWith) throw this.failWith;
    progress('deployed destinations');
    return ['destinations', 'search (unchanged)'];
  }
  async remove(req: DeployRequest): Promise<string[]> {
    this.calls.push(`remove ${JSON.stringify(req)}`);
    return ['search'];
  }
  outage = async (r: string) => this.record(`outage ${r}`);
  recover = async (r: string) => this.record(`recover ${r}`);
  crash = (r: string) => void this.record(`crash ${r}`);
  pauseReplication = async (r: string) => this.record(`pauseReplication ${r}`);
  resumeReplication = async (r: string) => this.record(`resumeReplication ${r}`);
  registerGlobalTable = async (def: GlobalTableDefinition) => this.record(`registerGlobalTable ${def.tableName}`);
  healthDrill = async (r: string, state: string, stage: string) => this.record(`healthDrill ${r} ${state} ${stage}`);
  stop = async () => this.record('stop');
  private record(call: string): void {
    this.calls.push(call);
    if (this.failWith) throw this.failWith;
  }
}

// The handler on a real loopback server, served as the front door serves it.
const TOKEN = 'a'.repeat(64);
const access = { token: TOKEN, port: 0 };
let cloud: RecordingCloud;
// The front door's cache as the control API sees it: what it was asked to invalidate.
const invalidated: string[][] = [];
const cdn = { invalidate: (paths: readonly string[]) => invalidated.push([...paths]) };
let handler: ReturnType<typeof controlApi>;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    handler(req, res).then(
      (answered) => answered || sendJson(res, 418, { message: 'not for the control API' }),
      (e: Error) => sendJson(res, 500, { message: `rejected: ${e.message}` }),
    );
  });
  const port = await freePort();
  access.port = port;
  await listen(server, port);
  base = `http://127.0.0.1:${port}`;
});

beforeEach(() => {
  cloud = new RecordingCloud();
  handler = controlApi(cloud, access, cdn);
});

afterAll(async () => {
  await close(server);
});

const post = (path: string, body?: string) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-meridian-token': TOKEN }, ...(body === undefined ? {} : { body }) });
const deployBody = (over: Record<string, unknown> = {}) => JSON.stringify({ region: 'us-east-1', serviceDirs: ['services/destinations'], stage: 'local', ...over });

describe('status', () => {
  it('200 with the status once ready, 503 with it while starting; never cached', async () => {
    const res = await fetch(`${base}/_meridian/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ ready: true, regions: ['us-east-1', 'us-west-2'] });

    cloud.ready = false;
    const starting = await fetch(`${base}/_meridian/status`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toMatchObject({ ready: false });
  });
});

describe('health drill', () => {
  it('POST /_meridian/health-drill/<region> {state} sets the drill for that region (stage local unless given)', async () => {
    const res = await post('/_meridian/health-drill/us-east-1', '{"state":"fail"}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ region: 'us-east-1', drill: 'fail' });
    expect((await post('/_meridian/health-drill/us-west-2', '{"state":"pass","stage":"dev"}')).status).toBe(200);
    expect(cloud.calls).toEqual(['healthDrill us-east-1 fail local', 'healthDrill us-west-2 pass dev']);
  });

  it('refuses a bad state or stage (400), an unknown region (404), a missing token (401), and does nothing', async () => {
    for (const body of ['{"state":"broken"}', '{}', '{"state":"fail","stage":"a/b"}', 'fail']) {
      expect((await post('/_meridian/health-drill/us-east-1', body)).status).toBe(400);
    }
    expect(await (await post('/_meridian/health-drill/eu-west-9', '{"state":"fail"}')).json()).toEqual({ message: 'unknown region "eu-west-9"; configured: us-east-1, us-west-2' });
    const anonymous = await fetch(`${base}/_meridian/health-drill/us-east-1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"state":"fail"}' });
    expect(anonymous.status).toBe(401);
    expect(cloud.calls).toEqual([]);
  });

  it('a region that cannot take the drill is a 409 with the reason', async () => {
    cloud.failWith = new HealthDrillError('no health service (stage local) in us-east-1: deploy regions/health there first');
    const res = await post('/_meridian/health-drill/us-east-1', '{"state":"fail"}');
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toContain('deploy regions/health');
  });
});

describe('faults', () => {
  it.each([
    ['outage', 'outage'],
    ['recover', 'recover'],
    ['crash', 'crash'],
    ['pause-replication', 'pauseReplication'],
    ['resume-replication', 'resumeReplication'],
  ])('POST /_meridian/%s/<region> calls %s for that region and answers the status', async (path, call) => {
    const res = await post(`/_meridian/${path}/us-west-2`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, regions: ['us-east-1', 'us-west-2'] });
    expect(cloud.calls).toEqual([`${call} us-west-2`]);
  });

  it('an unknown region is a 404 naming the configured ones, and nothing is done', async () => {
    for (const path of ['outage', 'recover', 'crash', 'pause-replication', 'resume-replication']) {
      const res = await post(`/_meridian/${path}/eu-west-9`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: 'unknown region "eu-west-9"; configured: us-east-1, us-west-2' });
    }
    expect(cloud.calls).toEqual([]);
  });

  it('an error the cloud did not expect rejects, for the server to answer 500', async () => {
    cloud.failWith = new Error('the JVM did not start');
    const res = await post('/_meridian/recover/us-east-1');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ message: 'rejected: the JVM did not start' });
  });
});

describe('deploy and remove', () => {
  it('stream each progress line as it happens, then the services done (NDJSON)', async () => {
    let open: () => void = () => {};
    cloud.deployGate = new Promise((resolve) => (open = resolve));
    const res = await post('/_meridian/deploy', deployBody({ force: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = ndjson(res);
    // The deploy is still waiting at the gate: this line can only have come while it runs.
    expect(await lines.next()).toEqual({ type: 'progress', line: 'loading services' });
    open();
    expect(await lines.rest()).toEqual([
      { type: 'progress', line: 'deployed destinations' },
      { type: 'done', services: ['destinations', 'search (unchanged)'] },
    ]);
    expect(cloud.calls).toEqual([`deploy ${JSON.stringify({ region: 'us-east-1', serviceDirs: ['services/destinations'], stage: 'local', force: true })}`]);
  });

  it('a deploy that fails ends its stream with the error line (the 200 is already sent)', async () => {
    cloud.failWith = new Error('us-east-1 is outage; `meridian recover us-east-1` brings it back');
    const res = await post('/_meridian/deploy', deployBody());
    expect(res.status).toBe(200);
    expect(await ndjson(res).rest()).toEqual([
      { type: 'progress', line: 'loading services' },
      { type: 'error', message: 'us-east-1 is outage; `meridian recover us-east-1` brings it back' },
    ]);
  });

  it('remove goes to remove', async () => {
    const res = await post('/_meridian/remove', deployBody());
    expect(await ndjson(res).rest()).toEqual([{ type: 'done', services: ['search'] }]);
    expect(cloud.calls).toEqual([`remove ${JSON.stringify({ region: 'us-east-1', serviceDirs: ['services/destinations'], stage: 'local' })}`]);
  });

  it.each([
    [400, 'a body that is not JSON', '{"region": "us-east-1",', 'body is not valid JSON'],
    [400, 'no body at all', '', 'body is not valid JSON'],
    [413, 'a body over 64 KiB', JSON.stringify({ region: 'us-east-1', serviceDirs: ['x'.repeat(MAX_CONTROL_BODY)], stage: 'local' }), `request body is larger than ${MAX_CONTROL_BODY} bytes`],
    [400, 'no region', deployBody({ region: 7 }), 'region must be a region name such as us-east-1'],
    [400, 'serviceDirs not a list of strings', deployBody({ serviceDirs: ['a', 3] }), 'serviceDirs must be a list of service directories'],
    [400, 'a stage with a slash', deployBody({ stage: '../prod' }), 'stage must contain only letters, digits and -'],
    [400, 'an empty stage', deployBody({ stage: '' }), 'stage must contain only letters, digits and -'],
    [400, 'force that is not a boolean', deployBody({ force: 'yes' }), 'force must be true or false'],
  ])('%i for %s, with the reason; nothing is deployed', async (status, _what, body, message) => {
    for (const path of ['/_meridian/deploy', '/_meridian/remove']) {
      const res = await post(path, body);
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ message });
    }
    expect(cloud.calls).toEqual([]);
  });
});

describe('global tables', () => {
  const table = { tableName: 'things', keySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], attributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] };

  it('registers a valid definition', async () => {
    const res = await post('/_meridian/global-tables', JSON.stringify(table));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ registered: 'things' });
    expect(cloud.calls).toEqual(['registerGlobalTable things']);
  });

  it('refuses an invalid one with the reason: 400, nothing registered', async () => {
    const res = await post('/_meridian/global-tables', JSON.stringify({ ...table, mode: 'eventual' }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'mode must be "current" or "legacy"' });
    const notJson = await post('/_meridian/global-tables', 'things');
    expect(notJson.status).toBe(400);
    expect(cloud.calls).toEqual([]);
  });
});

it('shutdown answers 202, then stops the cloud', async () => {
  const res = await post('/_meridian/shutdown');
  expect(res.status).toBe(202);
  expect(await res.json()).toEqual({ message: 'stopping' });
  expect(cloud.calls).toEqual(['stop']);
});

it('leaves the regions\' paths to the regions (the front door forwards them)', async () => {
  for (const [method, path] of [
    ['GET', '/_meridian/health'],
    ['POST', '/destinations'],
    ['GET', '/'],
  ] as const) {
    const res = await fetch(`${base}${path}`, { method });
    expect(res.status, `${method} ${path}`).toBe(418);
  }
  expect(cloud.calls).toEqual([]);
});

it('answers its own unknown paths and methods itself, 404 and 405, nothing changed', async () => {
  const withToken = { 'x-meridian-token': TOKEN, 'content-type': 'application/json' };
  expect((await fetch(`${base}/_meridian/outage/US-EAST-1`, { method: 'POST', headers: withToken })).status).toBe(404);
  expect((await fetch(`${base}/_meridian/nothing`, { method: 'POST', headers: withToken })).status).toBe(404);
  expect((await fetch(`${base}/_meridian/deploy`, { headers: withToken })).status).toBe(405);
  expect(cloud.calls).toEqual([]);
});

describe('a web page cannot drive the control API', () => {
  const CONTROL_POSTS = ['/_meridian/outage/us-west-2', '/_meridian/recover/us-west-2', '/_meridian/crash/us-west-2', '/_meridian/pause-replication/us-west-2', '/_meridian/resume-replication/us-west-2', '/_meridian/deploy', '/_meridian/remove', '/_meridian/global-tables', '/_meridian/shutdown'];

  it('a cross-site "simple" POST (text/plain, foreign Origin, no token) to each control path: 401, nothing changed', async () => {
    for (const path of CONTROL_POSTS) {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'http://evil.example' }, body: deployBody() });
      expect(res.status, path).toBe(401);
      expect((await res.json()).message).toContain('x-meridian-token');
    }
    expect(cloud.calls).toEqual([]);
  });

  it('with a wrong token: 401; with the token but from a foreign Origin: 403; as text/plain: 415; nothing changed', async () => {
    for (const path of CONTROL_POSTS) {
      const wrong = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-meridian-token': 'b'.repeat(64) }, body: deployBody() });
      expect(wrong.status, path).toBe(401);
      const foreign = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-meridian-token': TOKEN, origin: 'http://evil.example' }, body: deployBody() });
      expect(foreign.status, path).toBe(403);
      const plain = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-meridian-token': TOKEN }, body: deployBody() });
      expect(plain.status, path).toBe(415);
    }
    expect(cloud.calls).toEqual([]);
  });

  it('the front door\'s own origin is accepted; status needs no token (readiness)', async () => {
    const res = await fetch(`${base}/_meridian/outage/us-west-2`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-meridian-token': TOKEN, origin: `http://127.0.0.1:${access.port}` }, body: '{}' });
    expect(res.status).toBe(200);
    expect(cloud.calls).toEqual(['outage us-west-2']);
    expect((await fetch(`${base}/_meridian/status`)).status).toBe(200);
  });
});

/** Reads an NDJSON answer line by line. */
function ndjson(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const next = async (): Promise<ProgressMessage | undefined> => {
    for (;;) {
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return JSON.parse(line) as ProgressMessage;
      }
      const { done, value } = await reader.read();
      if (done) {
        if (buffered.trim()) throw new Error(`unterminated line: ${buffered}`);
        return undefined;
      }
      buffered += decoder.decode(value, { stream: true });
    }
  };
  const rest = async () => {
    const all: ProgressMessage[] = [];
    for (let m = await next(); m; m = await next()) all.push(m);
    return all;
  };
  return { next, rest };
}

describe('CloudFront invalidations (the front door\'s cache)', () => {
  const PATH = '/_meridian/cloudfront/invalidations';
  const batch = (items: unknown, reference: unknown = 'homepage-1', quantity?: number) =>
    JSON.stringify({ InvalidationBatch: { Paths: { Quantity: quantity ?? (Array.isArray(items) ? items.length : 0), Items: items }, CallerReference: reference } });
  beforeEach(() => {
    invalidated.length = 0;
  });

  it('201 in CreateInvalidation\'s shape, Completed, with the paths invalidated', async () => {
    const res = await post(PATH, batch(['/', '/views/*']));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { Location: string; Invalidation: { Id: string; Status: string; CreateTime: string; InvalidationBatch: unknown } };
    expect(body.Invalidation).toMatchObject({ Status: 'Completed', InvalidationBatch: { Paths: { Quantity: 2, Items: ['/', '/views/*'] }, CallerReference: 'homepage-1' } });
    expect(body.Invalidation.Id).toMatch(/^I[0-9A-F]{20}$/);
    expect(res.headers.get('location')).toBe(`${PATH}/${body.Invalidation.Id}`);
    expect(invalidated).toEqual([['/', '/views/*']]);
  });

  it('a repeated CallerReference answers the first invalidation and invalidates nothing again; with other paths it is a 409', async () => {
    const first = (await (await post(PATH, batch(['/a'], 'ref-2'))).json()) as { Invalidation: { Id: string } };
    const again = await post(PATH, batch(['/a'], 'ref-2'));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { Invalidation: { Id: string } }).Invalidation.Id).toBe(first.Invalidation.Id);
    const other = await post(PATH, batch(['/b'], 'ref-2'));
    expect(other.status).toBe(409);
    expect(invalidated).toEqual([['/a']]);
  });

  it.each([
    ['no batch', JSON.stringify({ Paths: ['/'] }), /send \{"InvalidationBatch"/],
    ['no paths', batch([]), /non-empty list/],
    ['a path without /', batch(['views/*']), /must start with \//],
    ['a * inside a path', batch(['/views/*/x']), /may only end a path/],
    ['a control character', batch(['/a\nb']), /control characters/],
    ['a wrong Quantity', batch(['/a', '/b'], 'r', 1), /InconsistentQuantities/],
    ['no CallerReference', batch(['/a'], ''), /CallerReference/],
    ['too many paths', batch(Array.from({ length: 3_001 }, (_, i) => `/p${i}`)), /at most 3000/],
  ])('400 with the reason for %s, invalidating nothing', async (_name, body, reason) => {
    const res = await post(PATH, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(reason);
    expect(invalidated).toEqual([]);
  });

  it('needs the token and JSON, as every control request', async () => {
    const noToken = await fetch(`${base}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch(['/']) });
    expect(noToken.status).toBe(401);
    const form = await fetch(`${base}${PATH}`, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-meridian-token': TOKEN }, body: batch(['/']) });
    expect(form.status).toBe(415);
    expect(invalidated).toEqual([]);
  });
});

it('imports only node, local/http and the global-table definition (README: what it may import); the cloud comes in as ControlledCloud', () => {
  const dir = fileURLToPath(new URL('..', import.meta.url));
  expect([...importedFolders(dir)].sort()).toEqual(['local/control', 'local/global-tables', 'local/http', 'node:crypto', 'node:fs', 'node:http', 'node:path']);
});
