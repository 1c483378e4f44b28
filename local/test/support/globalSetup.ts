import { rmSync } from 'node:fs';
import { cloudStatus } from './cloudProcess.js';
import { loadConfig } from '../../../regions/config.js';
import { ControlClient } from '../../../orchestrator/cli/controlClient.js';

/*
 * Tests that need the local cloud start it once per run (support/testCloud.ts); whatever is still
 * running at the end is stopped here, and the run's state dir removed.
 */
export function setup(): void {}

export async function teardown(): Promise<void> {
  const config = loadConfig();
  const status = await cloudStatus(config);
  if (status) {
    await new ControlClient(config).post('/_meridian/shutdown').catch(() => undefined);
    for (let i = 0; i < 150 && isAlive(status.pid); i++) await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(config.stateDir, { recursive: true, force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
