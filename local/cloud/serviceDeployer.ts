import { loadService } from '../../orchestrator/service-definition/index.js';
import { deployOrder } from '../../orchestrator/serviceCatalog.js';
import type { DeployRequest } from '../control/controlledCloud.js';
import type { DeployCall } from '../region/hostMessages.js';
import type { RegionProcess } from './regionProcess.js';

type Region = Pick<RegionProcess, 'region' | 'call'>;

/**
 * Deploys a request's services into one region, one after the other in the order CloudFormation would
 * need them (a service after those whose exports it imports). The region applies each one itself.
 */
export async function deployServices(region: Region, req: DeployRequest, configDir: string, progress: (line: string) => void): Promise<string[]> {
  const done: string[] = [];
  for (const def of ordered(req, configDir)) {
    const args: DeployCall = { serviceDir: def.dir, stage: req.stage, force: req.force === true };
    const { unchanged } = (await region.call('deploy', args, progress)) as { unchanged?: boolean };
    done.push(unchanged ? `${def.service} (unchanged)` : def.service);
  }
  return done;
}

/** Removes them in the reverse order: importers before what they import. */
export async function removeServices(region: Region, req: DeployRequest, configDir: string, progress: (line: string) => void): Promise<string[]> {
  const done: string[] = [];
  for (const def of ordered(req, configDir).reverse()) {
    const { removed } = (await region.call('remove', { service: def.service }, progress)) as { removed: boolean };
    if (removed) done.push(def.service);
    else progress(`${def.service} is not deployed in ${region.region}`);
  }
  return done;
}

function ordered(req: DeployRequest, configDir: string) {
  return deployOrder(req.serviceDirs.map((dir) => loadService(dir, { stage: req.stage, region: req.region, configDir })));
}
