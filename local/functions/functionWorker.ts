import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { FunctionError, FunctionTimeoutError, WorkerExitedError, type SerializedError } from './functionError.js';
import { workerScript } from './workerScript.js';
import type { WorkerData, WorkerMessage } from './workerProtocol.js';

/*
 * Stack traces through the bundle's linked source map name the handler's TypeScript files and lines.
 * A profiled host (MERIDIAN_PROFILE_DIR) profiles its functions too: each worker writes its own file.
 */
const WORKER_ARGS = ['--enable-source-maps', ...process.execArgv.filter((arg) => arg.startsWith('--cpu-prof'))];

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One warm "container" of a function: a Worker with its own process.env and module cache. A timed
 * out invocation terminates it (the handler may be stuck in a loop); the runtime then starts another.
 */
export class FunctionWorker {
  private readonly pending = new Map<string, Pending>();
  private exited = false;
  private terminating = false;
  private readonly exit: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exit = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    // An uncaught error in handler code kills the worker: every invocation in flight failed.
    worker.on('error', (error) => this.failAll(new WorkerExitedError(`worker crashed: ${error.message}`)));
    worker.once('exit', (code) => {
      this.exited = true;
      this.failAll(new WorkerExitedError(`worker exited with code ${code}`));
    });
  }

  /** Starts a worker and resolves once its handler module has loaded; rejects with the load error. */
  static async start(data: WorkerData, env: Record<string, string>): Promise<FunctionWorker> {
    const worker = new Worker(await workerScript(), { eval: true, workerData: data, env, execArgv: WORKER_ARGS });
    const instance = new FunctionWorker(worker);
    return new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') {
          cleanup();
          resolve(instance);
        } else if (message.type === 'init-error') {
          cleanup();
          void instance.terminate();
          reject(new FunctionError(message.error));
        }
      };
      const onError = (error: Error) => {
        cleanup();
        void instance.terminate();
        reject(error);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new WorkerExitedError(`worker exited with code ${code} while loading ${data.handlerFile}`));
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    });
  }

  /** False as soon as termination starts, so no new invocation lands on a dying worker. */
  get alive(): boolean {
    return !this.exited && !this.terminating;
  }

  get threadId(): number {
    return this.worker.threadId;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  invoke(event: unknown, timeoutSeconds: number): Promise<unknown> {
    if (!this.alive) return Promise.reject(new WorkerExitedError('worker has exited'));
    const id = randomUUID();
    const timeoutMs = timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new FunctionTimeoutError(timeoutSeconds));
        // The handler may be stuck: no new invocation lands here, and the worker ends once the others in
        // flight have answered or timed out themselves. On Lambda each of them has its own container; a
        // timeout of one must not fail the rest.
        this.terminating = true;
        this.terminateWhenIdle();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ type: 'invoke', id, event, deadlineMs: Date.now() + timeoutMs });
    });
  }

  /** Waits for invocations in flight (each is bounded by its timeout), then terminates. */
  async drain(): Promise<void> {
    while (this.pending.size > 0 && !this.exited) await new Promise((r) => setTimeout(r, 20));
    await this.terminate();
  }

  async terminate(): Promise<void> {
    this.terminating = true;
    if (!this.exited) await this.worker.terminate();
    await this.exit;
  }

  private onMessage(message: WorkerMessage): void {
    if (message.type !== 'result' && message.type !== 'error') return;
    const pending = this.pending.get(message.id);
    if (!pending) return; // timed out already
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.type === 'result') pending.resolve(JSON.parse(message.payload) as unknown);
    else pending.reject(new FunctionError(message.error as SerializedError));
    if (this.terminating) this.terminateWhenIdle();
  }

  private terminateWhenIdle(): void {
    if (this.pending.size === 0 && !this.exited) void this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(error);
    }
  }
}
