import { randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { ConfigError, loadConfig } from './regions/config.js';

// The suite runs its own local cloud beside any developer's (and any other run's): other ports, its own
// state. Always set, never inherited: teardown deletes this state dir, which must never be a user's.
process.env.MERIDIAN_PORT_OFFSET = String(portOffset());
process.env.MERIDIAN_STATE_DIR = mkdtempSync(join(tmpdir(), 'meridian-test-'));
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** A random offset whose ports are all usable: fetch refuses some ports outright (6000, for one). */
function portOffset(): number {
  for (;;) {
    const offset = 1000 + 100 * randomInt(0, 200);
    try {
      loadConfig({ portOffset: offset });
      return offset;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
    }
  }
}

export default defineConfig({
  test: {
    // Kinds by file name (test/testKinds.test.ts holds every file to it): *.e2e.test.ts starts the local
    // cloud, *.integration.test.ts DynamoDB Local (a JVM), any other *.test.ts neither. `npm test` runs all;
    // `npm run test:unit` leaves out the two heavy kinds, `test:integration` and `test:e2e` run one each.
    include: ['**/test/**/*.test.ts'],
    exclude: ['node_modules/**', '.meridian/**'],
    globalSetup: ['./local/test/support/globalSetup.ts'],
    reporters: ['default', './test-summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The local cloud's JVMs and servers share two cores with the tests; files run one at a time (npm run
    // test:unit runs two at a time: its files start no cloud, no JVM and no osls, and share no state).
    fileParallelism: false,
  },
});
