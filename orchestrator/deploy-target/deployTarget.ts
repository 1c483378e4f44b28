/** Where `meridian dp|rm` puts services: the local cloud (the default) or AWS. */
export type TargetName = 'local' | 'aws';

/** `dp|rm <region> [service dirs] --stage NAME`, already checked by the CLI. */
export interface DeployRequest {
  region: string;
  stage: string;
  /** Absolute service directories, each with a serverless.yml. */
  serviceDirs: string[];
  /** Deploy even what is unchanged since its last deploy; only the local target skips unchanged services. */
  force?: boolean;
}

export interface PackageRequest {
  stage: string;
}

/**
 * One place services go. Each target orders the services itself (exporters first, see dependencyOrder),
 * reports progress and a closing summary line through the log it was made with, and throws an error whose
 * message tells the user what to do.
 */
export interface DeployTarget {
  readonly name: TargetName;
  deploy(req: DeployRequest): Promise<void>;
  /** Removes in reverse dependency order; what is marked Retain stays. */
  remove(req: DeployRequest): Promise<void>;
  /** Deployable artifacts for every service in every region, where the target has such a step (AWS). */
  package?(req: PackageRequest): Promise<void>;
}

export type Log = (line: string) => void;
