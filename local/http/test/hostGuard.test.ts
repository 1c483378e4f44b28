import { createServer, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { admitHost, hostProblem, parseHost } from '../hostGuard.js';
import { freePort } from '../freePort.js';
import { close, listen } from '../server.js';

describe('hostProblem', () => {
  const rule = { port: 4012 };
  it('admits the loopback names on the server port', () => {
    for (const host of ['127.0.0.1:4012', 'localhost:4012', 'LOCALHOST:4012', '[::1]:4012', '127.0.0.1', 'localhost']) expect(hostProblem(host, rule)).toBeUndefined();
  });

  it('refuses a foreign name (DNS rebinding), another port, a missing or unreadable Host', () => {
    for (const host of ['evil.example:4012', 'evil.example', '127.0.0.1:4000', '127.0.0.1.evil.example:4012', '', 'a b:4012', '[::1', undefined]) {
      expect(hostProblem(host, rule), String(host)).toMatch(/allowedHosts in config\/meridian.yml/);
    }
  });

  it('admits names the user allowed', () => {
    expect(hostProblem('devbox.lan:4012', { port: 4012, allowedHosts: ['devbox.lan'] })).toBeUndefined();
    expect(hostProblem('devbox.lan:4012', rule)).toBeDefined();
  });

  it('reads names and ports, IPv6 in brackets', () => {
    expect(parseHost('[::1]:80')).toEqual({ name: '[::1]', port: 80 });
    expect(parseHost('Example.COM')).toEqual({ name: 'example.com', port: undefined });
    expect(parseHost('x:99999999')).toBeUndefined();
  });
});

describe('admitHost on a real server', () => {
  it('answers 421 with the reason and never reaches the handler for a foreign Host', async () => {
    const port = await freePort();
    let reached = 0;
    const server = createServer((req, res) => {
      if (!admitHost(req, res)) return;
      reached++;
      res.end('data');
    });
    await listen(server, port);
    const get = (host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const r = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        r.on('error', reject);
        r.end();
      });
    try {
      const foreign = await get(`evil.example:${port}`);
      expect(foreign.status).toBe(421);
      expect(foreign.body).not.toContain('data');
      expect(JSON.parse(foreign.body).message).toContain('allowedHosts');
      expect(reached).toBe(0);
      expect(await get(`127.0.0.1:${port}`)).toEqual({ status: 200, body: 'data' });
      expect(reached).toBe(1);
    } finally {
      await close(server);
    }
  });
});
