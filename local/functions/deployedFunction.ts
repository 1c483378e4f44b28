import { FunctionWorker } from './functionWorker.js';
import type { FunctionDefinition } from './types.js';
import type { WorkerData } from './workerProtocol.js';

export const DEFAULT_TIMEOUT_SECONDS = 6;

/** A deployed function and its current worker; a worker that died (timeout, crash) is replaced on the next invocation. */
export class DeployedFunction {
  private worker: Promise<FunctionWorker>;

  private constructor(
    readonly definition: FunctionDefinition,
    private readonly data: WorkerData,
    private readonly env: Record<string, string>,
    first: FunctionWorker,
  ) {
    this.worker = Promise.resolve(first);
  }

  /** Starts the first worker; rejects when the handler module cannot load (as Lambda's init phase would fail). */
  static async deploy(definition: FunctionDefinition, data: WorkerData, env: Record<string, string>): Promise<DeployedFunction> {
    return new DeployedFunction(definition, data, env, await FunctionWorker.start(data, env));
  }

  get timeoutSeconds(): number {
    return this.definition.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  }

  async invoke(event: unknown): Promise<unknown> {
    const worker = await this.current();
    return worker.invoke(event, this.timeoutSeconds);
  }

  /** Waits for invocations in flight, then ends the worker (a redeploy or removal). */
  async retire(): Promise<void> {
    const worker = await this.worker.catch(() => undefined);
    await worker?.drain();
  }

  async terminate(): Promise<void> {
    const worker = await this.worker.catch(() => undefined);
    await worker?.terminate();
  }

  private async current(): Promise<FunctionWorker> {
    const starting = this.worker;
    const worker = await starting.catch(() => undefined);
    if (worker?.alive) return worker;
    // Only the first caller to notice starts the replacement; the others wait for it.
    if (this.worker === starting) this.worker = FunctionWorker.start(this.data, this.env);
    return this.worker;
  }
}
