import { join } from 'node:path';
import { functionArn } from '../../regions/arn.js';
import { openSqlite, type Sqlite } from '../storage/sqlite.js';
import { CheckpointStore } from './checkpointStore.js';
import { pollerClientConfig } from './clientConfig.js';
import { DeployedFunction } from './deployedFunction.js';
import { dynamodbStreamSource } from './dynamodbStreamSource.js';
import { EventSourcePoller } from './eventSourcePoller.js';
import { FunctionNotFoundError, RuntimeClosedError, UnbundledHandlerError } from './functionError.js';
import { DEFAULT_MEMORY_MB, functionEnvironment } from './functionEnvironment.js';
import { FaultStore } from './faults.js';
import { kinesisSource } from './kinesisSource.js';
import { mappingRetryPolicy } from './retryPolicy.js';
import type { StreamSource } from './streamSource.js';
import type { EventSourceMapping, Fault, FunctionDefinition, FunctionRuntime, FunctionRuntimeOptions } from './types.js';
import type { WorkerData } from './workerProtocol.js';

/** AWS's default batch size for both stream sources. */
const DEFAULT_BATCH_SIZE = 100;
/** A worker unused this long is stopped (Lambda keeps an idle environment for minutes, too). */
export const IDLE_WORKER_MS = 10 * 60_000;

/** Workers run plain Node (workerScript.ts): a TypeScript module would only fail at its first cold start. */
function assertBundled(fn: FunctionDefinition): void {
  if (/\.(ts|mts|cts|tsx)$/.test(fn.handlerFile)) throw new UnbundledHandlerError(fn.name, fn.handlerFile);
}

interface ActiveMapping {
  mapping: EventSourceMapping;
  poller: EventSourcePoller;
  source: StreamSource;
}

/** A region's Lambda: functions in their own workers, and stream event source mappings feeding them. */
export function createFunctionRuntime(options: FunctionRuntimeOptions): FunctionRuntime {
  return new LocalFunctionRuntime(options);
}

class LocalFunctionRuntime implements FunctionRuntime {
  private readonly db: Sqlite;
  private readonly checkpoints: CheckpointStore;
  private readonly faultStore: FaultStore;
  private readonly functions = new Map<string, DeployedFunction>();
  private readonly mappings = new Map<string, ActiveMapping>();
  private readonly retiring = new Set<Promise<void>>();
  private paused = false;
  private closed = false;
  private resumed: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | undefined;

  private readonly idleWorkerMs: number;
  private readonly idleSweep: NodeJS.Timeout;

  constructor(private readonly options: FunctionRuntimeOptions) {
    this.db = openSqlite(join(options.dataDir, 'functions.sqlite'));
    this.checkpoints = new CheckpointStore(this.db);
    this.faultStore = new FaultStore(this.db);
    this.idleWorkerMs = options.idleWorkerMs ?? IDLE_WORKER_MS;
    this.idleSweep = setInterval(() => void this.retireIdleWorkers(), Math.min(60_000, this.idleWorkerMs));
    this.idleSweep.unref();
  }

  async deploy(fn: FunctionDefinition): Promise<void> {
    this.assertOpen();
    assertBundled(fn);
    const next = await DeployedFunction.deploy(fn, this.workerData(fn), functionEnvironment(fn, this.options));
    if (this.closed) {
      await next.terminate();
      throw new RuntimeClosedError();
    }
    const previous = this.functions.get(fn.name);
    this.functions.set(fn.name, next);
    if (previous) this.track(previous.retire());
  }

  restore(fn: FunctionDefinition): void {
    this.assertOpen();
    assertBundled(fn);
    if (this.functions.has(fn.name)) return;
    this.functions.set(fn.name, DeployedFunction.restore(fn, this.workerData(fn), functionEnvironment(fn, this.options)));
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  async remove(name: string): Promise<void> {
    // Deleting a function deletes its event source mappings, as on AWS.
    for (const [id, active] of this.mappings) if (active.mapping.functionName === name) await this.removeEventSource(id);
    const fn = this.functions.get(name);
    this.functions.delete(name);
    await fn?.retire();
  }

  async invoke(name: string, event: unknown): Promise<unknown> {
    // During an outage a call waits for the region to come back rather than being lost.
    while (this.paused) await this.resumedPromise();
    this.assertOpen();
    return this.invokeNow(name, event);
  }

  async addEventSource(mapping: EventSourceMapping): Promise<void> {
    this.assertOpen();
    const existing = this.mappings.get(mapping.id);
    if (existing && JSON.stringify(existing.mapping) === JSON.stringify(mapping)) return;
    if (existing) await this.stopMapping(existing);
    const source = this.sourceFor(mapping);
    const poller = new EventSourcePoller(
      {
        mappingId: mapping.id,
        batchSize: mapping.batchSize ?? DEFAULT_BATCH_SIZE,
        startingPosition: mapping.startingPosition,
        ...(mapping.type === 'kinesis' && this.options.notifiedKinesisPollMs ? { maxIdlePollMs: this.options.notifiedKinesisPollMs } : {}),
      },
      {
        source,
        checkpoints: this.checkpoints,
        policy: mappingRetryPolicy(mapping.maximumRetryAttempts),
        isDeployed: () => this.functions.has(mapping.functionName),
        invoke: (event) => this.invokeNow(mapping.functionName, event),
        onFault: (fault) =>
          this.faultStore.add(
            { functionName: mapping.functionName, source: fault.source, record: fault.record, error: fault.error, attempts: fault.attempts, at: new Date().toISOString() },
            { mappingId: mapping.id, shardId: fault.shardId },
          ),
        log: (message) => console.warn(message),
      },
    );
    this.mappings.set(mapping.id, { mapping, poller, source });
    if (!this.paused) poller.start();
  }

  async removeEventSource(id: string): Promise<void> {
    const active = this.mappings.get(id);
    if (!active) return;
    this.mappings.delete(id);
    await this.stopMapping(active);
    // A deleted mapping forgets its position, as on AWS; its faults stay for the operator.
    this.checkpoints.forget(id);
  }

  recordsArrived(source: { type: 'kinesis'; streamName: string }): void {
    for (const { mapping, poller } of this.mappings.values()) {
      if (mapping.type === source.type && mapping.streamName === source.streamName) poller.nudge();
    }
  }

  faults(): Fault[] {
    return this.faultStore.list();
  }

  async pause(): Promise<void> {
    if (this.paused || this.closed) return;
    this.paused = true;
    await Promise.all([...this.mappings.values()].map((m) => m.poller.stop()));
  }

  async resume(): Promise<void> {
    if (!this.paused || this.closed) return;
    this.paused = false;
    for (const active of this.mappings.values()) active.poller.start();
    this.resumed?.resolve();
    this.resumed = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.idleSweep);
    this.resumed?.reject(new RuntimeClosedError());
    this.resumed = undefined;
    await Promise.all([...this.mappings.values()].map((m) => this.stopMapping(m)));
    this.mappings.clear();
    await Promise.all([...this.functions.values()].map((f) => f.terminate()));
    this.functions.clear();
    await Promise.allSettled(this.retiring);
    this.db.close();
  }

  private workerData(fn: FunctionDefinition): WorkerData {
    return {
      handlerFile: fn.handlerFile,
      handlerExport: fn.handlerExport,
      functionName: fn.name,
      invokedFunctionArn: functionArn(this.options, fn.name),
      memoryLimitInMB: DEFAULT_MEMORY_MB,
    };
  }

  /** Each worker holds a module graph (tens of MB): ones nothing has used for a while are let go, as Lambda does. */
  private async retireIdleWorkers(): Promise<void> {
    const retired = await Promise.all([...this.functions.values()].map((f) => f.retireIfIdle(this.idleWorkerMs).catch(() => false)));
    const count = retired.filter(Boolean).length;
    if (count > 0) this.options.log?.(`[functions] ${count} idle worker(s) stopped; they start again on the next invocation`);
  }

  private invokeNow(name: string, event: unknown): Promise<unknown> {
    const fn = this.functions.get(name);
    if (!fn) return Promise.reject(new FunctionNotFoundError(name));
    return fn.invoke(event);
  }

  private sourceFor(mapping: EventSourceMapping): StreamSource {
    const client = pollerClientConfig(this.options, mapping.endpoint);
    const { region, accountId } = this.options;
    return mapping.type === 'dynamodb'
      ? dynamodbStreamSource({ client, tableName: mapping.tableName, region, accountId })
      : kinesisSource({ client, streamName: mapping.streamName, functionName: mapping.functionName, region, accountId });
  }

  private async stopMapping(active: ActiveMapping): Promise<void> {
    await active.poller.stop();
    active.source.close();
  }

  private resumedPromise(): Promise<void> {
    if (!this.resumed) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
      this.resumed = { promise, resolve, reject };
    }
    return this.resumed.promise;
  }

  private track(retiring: Promise<void>): void {
    this.retiring.add(retiring);
    void retiring.finally(() => this.retiring.delete(retiring));
  }

  private assertOpen(): void {
    if (this.closed) throw new RuntimeClosedError();
  }
}
