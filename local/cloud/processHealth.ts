import type { Origin, OriginDirectory } from '../front-door/originDirectory.js';
import type { RegionProcess } from './regionProcess.js';

/**
 * The front door's origins as the supervisor knows them: a region is healthy while its process is up.
 * The seam for real health checks: a directory that polls each region's /health replaces this one and
 * neither the front door nor the supervisor changes.
 */
export function processHealth(regionsNearestFirst: readonly RegionProcess[]): OriginDirectory {
  return {
    originsNearestFirst: () => regionsNearestFirst.map((r): Origin => ({
      region: r.region,
      api: r.endpoints?.api ?? `http://127.0.0.1:${r.config.local.ports.api}`,
      health: r.state === 'up' && r.endpoints ? 'healthy' : 'unhealthy',
    })),
  };
}
