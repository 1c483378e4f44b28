import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RegionConfig } from '../../regions/config.js';
import type { HostMessage, RegionEndpoints } from '../region/hostMessages.js';
import { IpcRpc, isRpcMessage, type RpcHandler } from '../region/ipcRpc.js';

export type RegionState = 'starting' | 'up' | 'stopping' | 'outage' | 'crashed';

const HOST_ENTRY = fileURLToPath(new URL('../region/regionHost.ts', import.meta.url));
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 8_000;

/**
 * One region of the local cloud as the supervisor sees it: a child process (the region host) that
 * runs the region's DynamoDB Local and servers. An outage stops it; a crash is it dying on its own.
 */
export class RegionProcess {
  state: RegionState = 'outage';
  endpoints: RegionEndpoints | undefined;
  lastExit: { code: number | null; signal: string | null; at: string } | undefined;
  /** Services deployed in the region, as it reported when it came up. */
  services: string[] = [];
  private child: ChildProcess | undefined;
  private rpc: IpcRpc | undefined;

  constructor(
    readonly config: RegionConfig,
    private readonly env: NodeJS.ProcessEnv,
    private readonly log: (line: string) => void,
    private readonly onCrash: (region: RegionProcess) => void,
    /** What the region may ask of the supervisor (replicating its global tables). */
    private readonly handlers: Record<string, RpcHandler> = {},
  ) {}

  /** Asks the running region to do something (deploy, remove, status); rejects when it is not up. */
  call(op: string, args: unknown, progress?: (line: string) => void): Promise<unknown> {
    if (this.state !== 'up' || !this.rpc) return Promise.reject(new Error(`${this.region} is ${this.state}; \`meridian recover ${this.region}\` brings it back`));
    return this.rpc.call(op, args, progress);
  }

  get region(): string {
    return this.config.region;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.state = 'starting';
    const child = fork(HOST_ENTRY, [this.region], {
      execArgv: ['--import', 'tsx', ...profileArgs(this.env)],
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    const rpc = new IpcRpc((m) => {
      if (!child.connected) throw new Error(`${this.region} is not running`);
      child.send(m);
    }, this.handlers);
    this.rpc = rpc;
    child.on('message', (m: unknown) => {
      if (isRpcMessage(m)) rpc.receive(m);
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      let rest = '';
      stream?.on('data', (text: string) => {
        const lines = (rest + text).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) this.log(line);
      });
    }
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.region} did not become ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      child.on('message', (m: HostMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          this.endpoints = m.endpoints;
          this.services = m.services;
          this.state = 'up';
          resolve();
        } else if (m.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${this.region} failed to start: ${m.error}`));
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.region} exited while starting (code ${code}, signal ${signal})`));
      });
    });
    child.once('exit', (code, signal) => {
      this.child = undefined;
      rpc.failAll(`${this.region} stopped (code ${code}, signal ${signal})`);
      this.lastExit = { code, signal, at: new Date().toISOString() };
      if (this.state === 'up' || this.state === 'starting') {
        this.state = 'crashed';
        this.onCrash(this);
      }
    });
    try {
      await ready;
    } catch (e) {
      await this.stop();
      this.state = 'crashed';
      throw e;
    }
  }

  /** Graceful stop (outage, shutdown): the host closes its servers and stops its JVM. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.state = 'stopping';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    this.state = 'outage';
  }

  /** A crash: kill -9 of the region host (its JVM dies with it through the watchdog). */
  kill(): void {
    this.child?.kill('SIGKILL');
  }
}

/**
 * MERIDIAN_PROFILE_DIR=<dir> writes a V8 CPU profile of each region host (main thread and function
 * workers) there when it stops: where a region spends its time under load. Node refuses --cpu-prof in
 * NODE_OPTIONS, hence this switch.
 */
function profileArgs(env: NodeJS.ProcessEnv): string[] {
  const dir = env['MERIDIAN_PROFILE_DIR'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
