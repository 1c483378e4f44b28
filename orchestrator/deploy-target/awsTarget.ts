import type { DeployRequest, DeployTarget, Log, PackageRequest } from './deployTarget.js';

/** The AWS target always packages: `meridian package` has no other target. */
export type AwsTarget = DeployTarget & Required<Pick<DeployTarget, 'package'>>;

/**
 * AWS as a deploy target: osls packages and deploys each service (see orchestrator/aws). The AWS module is
 * imported on first use, never at load, so the local path never pays for osls and esbuild.
 */
export function awsTarget(log: Log): AwsTarget {
  const aws = () => import('../aws/index.js');
  const options = (req: DeployRequest) => ({ region: req.region, stage: req.stage, serviceDirs: req.serviceDirs, log });
  return {
    name: 'aws',
    deploy: async (req) => (await aws()).deployServices(options(req)),
    remove: async (req) => (await aws()).removeServices(options(req)),
    async package(req: PackageRequest) {
      const { packageServices } = await aws();
      const began = Date.now();
      const result = await packageServices({ stage: req.stage, log });
      log(`packaged ${result.packages.length} service templates in ${((Date.now() - began) / 1000).toFixed(1)} s → ${result.outDir}`);
    },
  };
}
