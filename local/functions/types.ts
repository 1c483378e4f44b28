export interface FunctionDefinition {
  /** Function name, e.g. 'destinations-dev-trigger'. */
  name: string;
  /** Absolute path of the handler module: JavaScript, as Lambda runs it (the deployer gives the esbuild bundle). */
  handlerFile: string;
  /** Export name, e.g. 'handler'. */
  handlerExport: string;
  environment: Record<string, string>;
  /** Default 6, as osls deploys. */
  timeoutSeconds?: number;
}

export interface FunctionRuntimeOptions {
  region: string;
  accountId: string;
  /** Checkpoints and faults live here, so a restart resumes where it stopped. */
  dataDir: string;
  /** Endpoint env vars and anything region-wide, merged under each function's own environment. */
  regionEnvironment: Record<string, string>;
  /** Stop a function's worker after this long unused (default 10 minutes); it starts again when invoked. */
  idleWorkerMs?: number;
  /**
   * Set when the region's event stream calls recordsArrived() for every append: Kinesis mappings then poll
   * a quiet shard only this often (a safety net) instead of every 200 ms, and still read new records at once.
   */
  notifiedKinesisPollMs?: number;
  log?: (line: string) => void;
}

export interface FunctionRuntime {
  /** (Re)deploys: replaces the worker; idempotent. Rejects (keeping any previous version) when the module cannot load. */
  deploy(fn: FunctionDefinition): Promise<void>;
  /**
   * Registers a function deployed before a restart without starting its worker: its module loaded when
   * it was deployed, and the first invocation starts it (a cold start). Does nothing if it is deployed.
   */
  restore(fn: FunctionDefinition): void;
  /** Whether a function of this name is deployed or restored (its worker may not be running). */
  has(name: string): boolean;
  /** Removes the function and, as on AWS, its event source mappings. */
  remove(name: string): Promise<void>;
  /** RequestResponse: resolves the result, rejects with the handler's error. Held while paused. */
  invoke(name: string, event: unknown): Promise<unknown>;
  /** Idempotent by id; a changed definition restarts the mapping from its checkpoints. */
  addEventSource(mapping: EventSourceMapping): Promise<void>;
  removeEventSource(id: string): Promise<void>;
  /** The region's own event stream took records: mappings on that stream read now rather than at their next poll. */
  recordsArrived(source: { type: 'kinesis'; streamName: string }): void;
  /** Records that kept failing (poison records), oldest first. */
  faults(): Fault[];
  /** Stops all polling and holds invocations (a region outage); checkpoints are kept. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Terminates workers and pollers. */
  close(): Promise<void>;
}

interface EventSourceMappingBase {
  id: string;
  functionName: string;
  endpoint: string;
  /** Default 100, as on AWS. */
  batchSize?: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Retries of a single failing record before it becomes a fault (Lambda's MaximumRetryAttempts); default 3. */
  maximumRetryAttempts?: number;
}

export type EventSourceMapping =
  | (EventSourceMappingBase & { type: 'dynamodb'; tableName: string })
  | (EventSourceMappingBase & { type: 'kinesis'; streamName: string });

export interface Fault {
  functionName: string;
  /** The event source ARN the record came from. */
  source: string;
  /** The record exactly as the handler received it. */
  record: unknown;
  error: { name: string; message: string; stack?: string };
  attempts: number;
  at: string;
}
