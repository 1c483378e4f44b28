import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloudProcess } from '../../local/test/support/cloudProcess.js';
import { apiBase } from '../../local/test/support/regionClients.js';
import { benchCachedGet } from './cachedGet.js';

/*
 * bench/frontDoor/cachedGet.ts against a real region: starts a local cloud of its own (a JVM per region:
 * run it under the heavy lock), proposes one destination, then benchmarks GET /destinations/{id} (the
 * region's answer says `public, max-age=5`) through a caching and a non-caching front door.
 *   flock /tmp/meridian-heavy.lock node --import tsx bench/frontDoor/cachedGetOnCloud.ts
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const env = { MERIDIAN_STATE_DIR: mkdtempSync(join(tmpdir(), 'meridian-bench-cache-')), MERIDIAN_PORT_OFFSET: '3100' };
Object.assign(process.env, env);
const cloud = await startCloudProcess({ env, logFile: join(env.MERIDIAN_STATE_DIR, 'cloud.log') });
try {
  const region = apiBase(cloud.config, 'us-east-1');
  const proposed = await fetch(`${region}/destinations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Porto' }) });
  const { id } = (await proposed.json()) as { id: string };
  for (let i = 0; i < 200 && (await fetch(`${region}/destinations/${id}`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
  const result = await benchCachedGet({ rounds: 6, seconds: 3, concurrency: 16, origin: region, path: `/destinations/${id}` });
  console.log(JSON.stringify(result, null, 2));
} finally {
  await cloud.stop();
}
