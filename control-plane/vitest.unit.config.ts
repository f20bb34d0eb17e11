import { configDefaults, defineConfig } from 'vitest/config';

// Everything that needs no container engine (npm run test:unit): pure units,
// the API on real SQLite files with the fake engine (and its stand-in
// gateways), the ingress against stand-in apps. *.docker.test.ts and the
// compose test need Docker and run with `npm test`.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/**/*.docker.test.ts', 'test/compose/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
