import { FunctionWorker } from './functionWorker.js';
import type { FunctionDefinition } from './types.js';
import type { WorkerData } from './workerProtocol.js';

export const DEFAULT_TIMEOUT_SECONDS = 6;

/**
 * A deployed function and its current worker, if any. As on Lambda, an environment starts on demand
 * (a cold start) and goes away when unused for a while; one that died (timeout, crash) is replaced on
 * the next invocation.
 */
export class DeployedFunction {
  private worker: Promise<FunctionWorker> | undefined;
  private lastUsed = Date.now();

  private constructor(
    readonly definition: FunctionDefinition,
    private readonly data: WorkerData,
    private readonly env: Record<string, string>,
    first: FunctionWorker | undefined,
  ) {
    this.worker = first ? Promise.resolve(first) : undefined;
  }

  /** Starts the first worker; rejects when the handler module cannot load (as Lambda's init phase would fail). */
  static async deploy(definition: FunctionDefinition, data: WorkerData, env: Record<string, string>): Promise<DeployedFunction> {
    return new DeployedFunction(definition, data, env, await FunctionWorker.start(data, env));
  }

  /** A function deployed before a restart: its module loaded then, so its worker waits for the first invocation. */
  static restore(definition: FunctionDefinition, data: WorkerData, env: Record<string, string>): DeployedFunction {
    return new DeployedFunction(definition, data, env, undefined);
  }

  get timeoutSeconds(): number {
    return this.definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  }

  async invoke(event: unknown): Promise<unknown> {
    this.lastUsed = Date.now();
    const worker = await this.current();
    try {
      return await worker.invoke(event, this.timeoutSeconds);
    } finally {
      this.lastUsed = Date.now();
    }
  }

  /** Ends the worker when nothing has used it for `idleMs` and nothing is in flight; the next invocation starts another. */
  async retireIfIdle(idleMs: number): Promise<boolean> {
    const starting = this.worker;
    if (!starting || Date.now() - this.lastUsed < idleMs) return false;
    const worker = await starting.catch(() => undefined);
    if (this.worker !== starting || (worker && worker.inFlight > 0) || Date.now() - this.lastUsed < idleMs) return false;
    this.worker = undefined;
    await worker?.terminate();
    return worker !== undefined;
  }

  /** Waits for invocations in flight, then ends the worker (a redeploy or removal). */
  async retire(): Promise<void> {
    const worker = await this.worker?.catch(() => undefined);
    await worker?.drain();
  }

  async terminate(): Promise<void> {
    const worker = await this.worker?.catch(() => undefined);
    await worker?.terminate();
  }

  private async current(): Promise<FunctionWorker> {
    const starting = this.worker;
    const worker = await starting?.catch(() => undefined);
    if (worker?.alive) return worker;
    // Only the first caller to notice starts the replacement; the others wait for it.
    if (this.worker === starting) this.worker = FunctionWorker.start(this.data, this.env);
    return this.worker!;
  }
}
