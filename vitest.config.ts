import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    exclude: ['node_modules/**', '.meridian/**', '.meridian-test/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The local cloud's JVMs and servers share two cores with the tests; files run one at a time.
    fileParallelism: false,
  },
});
