import { join } from 'node:path';
import { loadConfig, type MeridianConfig } from '../../../regions/config.js';
import { cloudStatus, startCloudProcess } from './cloudProcess.js';

/**
 * The run's local cloud: started on first use (a real `meridian start` process, detached so it
 * outlives a test worker), reused by every later file, stopped by globalSetup's teardown.
 */
export async function ensureCloud(): Promise<MeridianConfig> {
  const config = loadConfig();
  const status = await cloudStatus(config);
  if (!status) {
    const cloud = await startCloudProcess({ logFile: join(config.stateDir, 'cloud.log') });
    cloud.child.unref();
  } else if (!status.ready) {
    throw new Error('the test cloud answers but is not ready');
  }
  return config;
}
