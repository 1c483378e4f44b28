import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
import { fileURLToPath } from 'node:url';
import { loadConfig, sourcesFromEnv, type MeridianConfig } from '../../../regions/config.js';
import type { CloudStatus } from '../../cloud/localCloud.js';

const BIN = fileURLToPath(new URL('../../../bin/meridian.js', import.meta.url));

/** The local cloud as a real process, started the way a user starts it (`meridian start`). */
export interface CloudProcess {
  config: MeridianConfig;
  child: ChildProcess;
  output: string[];
  /** Ctrl-C, and wait for the process to exit. */
  stop(): Promise<number | null>;
  /** kill -9 of the cloud and everything it started, at once (its whole process group). */
  kill9(): Promise<void>;
}

/** With `logFile`, output goes there (the cloud may outlive the test process); otherwise to `output`. */
export async function startCloudProcess(opts: { logFile?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CloudProcess> {
  const env = { ...process.env, ...opts.env };
  const config = loadConfig(sourcesFromEnv(env));
  mkdirSync(config.stateDir, { recursive: true });
  const out = opts.logFile ? openSync(opts.logFile, 'a') : 'pipe';
  const child = spawn(process.execPath, [BIN, 'start'], { env, detached: true, stdio: ['ignore', out, out] });
  if (typeof out === 'number') closeSync(out);
  const output: string[] = opts.logFile ? [`(output in ${opts.logFile})`] : [];
  for (const s of [child.stdout, child.stderr]) s?.on('data', (d: Buffer) => output.push(d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (gone) throw new Error(`the local cloud exited while starting:\n${output.join('')}`);
    const status = await cloudStatus(config);
    if (status?.ready) break;
    if (Date.now() > deadline) throw new Error(`the local cloud did not get ready:\n${output.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    config,
    child,
    output,
    async stop() {
      if (gone) return child.exitCode;
      child.kill('SIGINT');
      return exited;
    },
    async kill9() {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
  };
}

export async function cloudStatus(config: MeridianConfig): Promise<CloudStatus | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${config.frontDoor.port}/_meridian/status`, { signal: AbortSignal.timeout(3_000) });
    return (await res.json()) as CloudStatus;
  } catch {
    return undefined;
  }
}

/** Command lines of processes that mention `needle` (the cloud's state dir is in every JVM's -dbPath). */
export function processesMentioning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(needle) && !l.includes('ps -eo'));
}

/** Runs the real CLI (`meridian …`) and resolves its output; rejects with its output on failure. */
export async function meridian(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: process.env });
  return stdout;
}
