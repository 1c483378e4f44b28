import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { OslsRunError } from '../errors.js';
import { withServiceDirLock } from './serviceDirLock.js';

const OSLS_BIN = createRequire(import.meta.url).resolve('osls/bin/serverless.js');

export interface OslsRun {
  /** package | deploy | remove */
  command: string;
  serviceDir: string;
  stage: string;
  region: string;
  /** Further arguments (e.g. --package <dir>). */
  args?: string[];
  /** Extra environment (MERIDIAN_CONFIG_DIR for a fixture's configuration). */
  env?: Record<string, string>;
  /** Each non-empty line osls prints, as it prints it. */
  onLine?: (line: string) => void;
  /** Called once if another osls run holds the service folder and this one waits for it. */
  onWait?: () => void;
}

/**
 * osls never phones home from here and never asks questions: telemetry, notifications, deprecation
 * notices and interactive setup are off. Colours off: its lines end up in Meridian's own progress output.
 */
export const OFFLINE_ENV: Record<string, string> = {
  SLS_TELEMETRY_DISABLED: '1',
  SLS_TRACKING_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  SLS_DEPRECATION_DISABLE: '*',
  SLS_INTERACTIVE_SETUP_DISABLE: '1',
  SLS_INTERACTIVE_SETUP_ENABLE: '',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Runs osls in the service's folder (osls finds serverless.yml, `${file(...)}` paths and the plugin's
 * localPath from there) with the stage and region as options. Resolves with osls's output; rejects with
 * an OslsRunError carrying osls's explanation when it exits non-zero.
 */
export function runOsls(run: OslsRun): Promise<string> {
  return withServiceDirLock(run.serviceDir, () => run.onWait?.(), async () => {
    try {
      return await spawnOsls(run);
    } finally {
      // osls stages in <service>/.serverless and leaves it behind when it fails; Meridian's packages live elsewhere.
      rmSync(join(run.serviceDir, '.serverless'), { recursive: true, force: true });
    }
  });
}

function spawnOsls(run: OslsRun): Promise<string> {
  const argv = [OSLS_BIN, run.command, '--stage', run.stage, '--region', run.region, ...(run.args ?? [])];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: run.serviceDir,
      env: { ...process.env, ...OFFLINE_ENV, ...run.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let pending = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') run.onLine?.(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new OslsRunError(`could not start osls: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (pending.trim() !== '') run.onLine?.(pending);
      if (code === 0) return resolvePromise(output);
      reject(new OslsRunError(`osls ${run.command} of ${run.serviceDir} (${run.region}) failed${signal ? ` (${signal})` : ` (exit ${code})`}:\n${explanation(output)}`));
    });
  });
}

/** osls's error block ("Error:" and what follows), or the tail of its output when there is none. */
function explanation(output: string): string {
  const at = output.lastIndexOf('Error:');
  const text = at >= 0 ? output.slice(at) : output.split('\n').slice(-20).join('\n');
  return text.trim();
}
