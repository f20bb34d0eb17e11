import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The compose test runs on its own (vitest.compose.config.ts, from scripts/test.sh).
    exclude: [...configDefaults.exclude, 'test/compose/**'],
    // Docker-backed tests start real containers; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
