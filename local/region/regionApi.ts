import { createServer, type Server } from 'node:http';
import { sendJson } from '../http/server.js';

/**
 * The region's API endpoint. Deployed services' routes arrive in a later slice; until then it answers
 * its own health path, and every response says which region served it.
 */
export function createRegionApi(region: string): Server {
  return createServer((req, res) => {
    res.setHeader('x-meridian-region', region);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/_meridian/health') {
      sendJson(res, 200, { region, status: 'ok', timestamp: new Date().toISOString() }, { 'cache-control': 'no-cache, no-store, must-revalidate' });
      return;
    }
    sendJson(res, 404, { message: `no route for ${req.method} ${path} in ${region}` });
  });
}
