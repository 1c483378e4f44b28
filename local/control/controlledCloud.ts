import type { GlobalTableDefinition } from '../global-tables/replicationState.js';

export type HealthDrillState = 'fail' | 'pass';

/** A drill the region cannot take now (it is down, or regions/health is not deployed there): answered 409. */
export class HealthDrillError extends Error {
  override name = 'HealthDrillError';
}

export interface DeployRequest {
  region: string;
  /** Service directories (each with a serverless.yml); deployed in import order, removed in reverse. */
  serviceDirs: string[];
  stage: string;
  /** Deploy even services unchanged since their last deploy there (ignored by remove). */
  force?: boolean;
}

/**
 * What the control API drives. The local cloud implements it; a unit test hands in a fake, so the API is
 * tested without starting a region.
 */
export interface ControlledCloud {
  /** The configured regions; the API answers 404 for any other name before anything changes. */
  regionNames(): string[];
  /** Sent as it is; `ready` chooses 200 or 503. */
  status(): Promise<{ ready: boolean }>;
  /** The services deployed, in order; one a deploy skipped (nothing changed) reads `<service> (unchanged)`. */
  deploy(req: DeployRequest, progress: (line: string) => void): Promise<string[]>;
  remove(req: DeployRequest, progress: (line: string) => void): Promise<string[]>;
  outage(region: string): Promise<void>;
  recover(region: string): Promise<void>;
  /** Simulates a crash of a region: kill -9 of its process. */
  crash(region: string): void;
  /** Holds global-table replication into a region (it keeps serving; its writes still go out) until resumed. */
  pauseReplication(region: string): Promise<void>;
  resumeReplication(region: string): Promise<void>;
  /**
   * The health drill: `fail` makes the region's GET /health answer 503 (so traffic leaves it) until `pass`.
   * Rejects with a HealthDrillError when the region cannot take it (down, no health service deployed).
   */
  healthDrill(region: string, state: HealthDrillState, stage: string): Promise<void>;
  /** Declares a table global: created in every region and replicated between them. */
  registerGlobalTable(def: GlobalTableDefinition): Promise<void>;
  stop(): Promise<void>;
}
