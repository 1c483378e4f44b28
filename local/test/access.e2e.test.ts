import { statSync } from 'node:fs';
import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MeridianConfig } from '../../regions/config.js';
import type { CloudStatus } from '../cloud/localCloud.js';
import { controlTokenFile, readControlToken } from '../control/controlToken.js';
import { cloudStatus } from './support/cloudProcess.js';
import { ensureCloud } from './support/testCloud.js';

/** A raw request with the Host header a browser would send; resolves status and body. */
function send(port: number, opts: { method?: string; path?: string; host: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: { host: opts.host, ...opts.headers } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('error', reject);
    r.end(opts.body);
  });
}

const portOf = (url: string) => Number(new URL(url).port);

let config: MeridianConfig;
let status: CloudStatus;

beforeAll(async () => {
  config = await ensureCloud();
  status = (await cloudStatus(config))!;
});

describe('the local cloud answers only its own user', () => {
  it('a page posting text/plain cross-site to each control path changes nothing and gets 401', async () => {
    const paths = ['outage', 'recover', 'crash', 'pause-replication', 'resume-replication'].map((a) => `/_meridian/${a}/us-west-2`);
    paths.push('/_meridian/deploy', '/_meridian/remove', '/_meridian/global-tables', '/_meridian/shutdown');
    for (const path of paths) {
      const answer = await send(config.frontDoor.port, {
        method: 'POST',
        path,
        host: `127.0.0.1:${config.frontDoor.port}`,
        headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
        body: JSON.stringify({ region: 'us-west-2', serviceDirs: ['services/search'], stage: 'local' }),
      });
      expect(answer.status, path).toBe(401);
    }
    const after = (await cloudStatus(config))!;
    expect(after.ready).toBe(true);
    expect(after.regions.map((r) => r.state)).toEqual(status.regions.map(() => 'up'));
    expect(after.replication).toEqual(expect.objectContaining({}));
  });

  it('a DNS-rebinding request (foreign Host) to every endpoint gets 421 and no data', async () => {
    const endpoints: [string, number][] = [['front door', config.frontDoor.port], ['recovery store', portOf(status.recovery.objects)]];
    for (const region of status.regions) for (const [name, url] of Object.entries(region.endpoints)) endpoints.push([`${region.region} ${name}`, portOf(url)]);
    expect(endpoints.length).toBeGreaterThanOrEqual(2 + 2 * 6);
    for (const [name, port] of endpoints) {
      for (const path of ['/', '/_meridian/status']) {
        const answer = await send(port, { path, host: `evil.example:${port}` });
        expect(answer.status, `${name} ${path}`).toBe(421);
        expect(answer.body, name).not.toMatch(/us-east-1|us-west-2|Buckets|TableNames|"pid"/);
        expect(JSON.parse(answer.body).message, name).toContain('allowedHosts');
      }
    }
  });

  it('the same endpoints still answer their own names', async () => {
    const answer = await send(config.frontDoor.port, { path: '/_meridian/status', host: `localhost:${config.frontDoor.port}` });
    expect(answer.status).toBe(200);
    const api = status.regions[0]!.endpoints.api!;
    expect((await send(portOf(api), { path: '/_meridian/health', host: `127.0.0.1:${portOf(api)}` })).status).toBe(200);
  });

  it('the control token file is readable by its user only', () => {
    expect(statSync(controlTokenFile(config.stateDir)).mode & 0o777).toBe(0o600);
    expect(readControlToken(config.stateDir)).toMatch(/^[0-9a-f]{64}$/);
  });
});
