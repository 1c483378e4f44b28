import type { ControlClient } from '../cli/controlClient.js';
import type { DeployRequest, DeployTarget, Log } from './deployTarget.js';

export interface LocalTargetOptions {
  /** The running cloud's control API; deploy and remove stream their progress from it. */
  control: Pick<ControlClient, 'stream'>;
  /** Starts the local cloud in the background unless it is running; resolves once it is ready. */
  ensureRunning: () => Promise<unknown>;
  log: Log;
}

/**
 * The local cloud as a deploy target: the cloud itself loads, orders and deploys the services (see
 * local/cloud); this adapter asks it to, relays its progress lines and prints the summary.
 */
export function localTarget(opts: LocalTargetOptions): DeployTarget {
  const run = async (command: 'deploy' | 'remove', req: DeployRequest): Promise<void> => {
    await opts.ensureRunning();
    const began = Date.now();
    const { services } = await opts.control.stream(`/_meridian/${command}`, {
      region: req.region,
      serviceDirs: req.serviceDirs,
      stage: req.stage,
      ...(command === 'deploy' && req.force ? { force: true } : {}),
    }, opts.log);
    const what = services.length ? services.join(', ') : 'nothing';
    const where = command === 'deploy' ? `deployed ${what} into` : `removed ${what} from`;
    opts.log(`${where} ${req.region} (local, stage ${req.stage}) in ${((Date.now() - began) / 1000).toFixed(1)} s`);
  };
  return {
    name: 'local',
    deploy: (req) => run('deploy', req),
    remove: (req) => run('remove', req),
  };
}
