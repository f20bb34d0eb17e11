import { defineConfig } from 'vitest/config';

// The self-hosting test (test/compose/): builds the platform image and runs
// the real docker-compose.yml. Run on its own, after the other tests, so it
// does not compete with them for the two cores: scripts/test.sh does that.
export default defineConfig({
  test: {
    include: ['test/compose/**/*.compose.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
