import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MeridianConfig } from '../../regions/config.js';
import { cloudFile, type CloudStatus } from '../../local/cloud/localCloud.js';
import type { ControlClient } from './controlClient.js';

const CLI_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
const START_TIMEOUT_MS = 120_000;

/** Starts the local cloud as a background process unless one is running; resolves when it is ready. */
export async function startInBackground(config: MeridianConfig, control: ControlClient, log: (line: string) => void): Promise<CloudStatus> {
  const running = await control.status();
  if (running?.ready) return running;
  if (!running) {
    mkdirSync(config.stateDir, { recursive: true });
    const logFile = join(config.stateDir, 'cloud.log');
    const out = openSync(logFile, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, 'start'], {
      detached: true,
      stdio: ['ignore', out, out],
      env: process.env,
    });
    closeSync(out);
    child.unref();
    log(`starting the local cloud in the background (pid ${child.pid}, log ${logFile})`);
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const status = await control.status();
    if (status?.ready) return status;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the local cloud did not become ready within ${START_TIMEOUT_MS / 1000} s; see ${join(config.stateDir, 'cloud.log')}`);
}

/** Stops a running local cloud and waits until its process is gone. */
export async function stopCloud(config: MeridianConfig, control: ControlClient, log: (line: string) => void): Promise<void> {
  const file = cloudFile(config);
  const pid = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { pid: number }).pid : undefined;
  const status = await control.status();
  if (!status && (pid === undefined || !alive(pid))) {
    log('the local cloud is not running');
    return;
  }
  if (status) await control.post('/_meridian/shutdown').catch(() => undefined);
  else if (pid !== undefined) process.kill(pid, 'SIGTERM');
  const target = status?.pid ?? pid;
  const deadline = Date.now() + 15_000;
  while (target !== undefined && alive(target) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (target !== undefined && alive(target)) {
    log(`pid ${target} did not stop in 15 s; killing it`);
    process.kill(target, 'SIGKILL');
  }
  log('the local cloud is stopped');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
