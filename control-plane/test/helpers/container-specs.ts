import type { WebappContainerSpec } from '../../src/runtime/container-spec.js';

const MiB = 1024 * 1024;

/** A complete, valid web-app container spec for the builders and runtimes under test. */
export function webappSpec(overrides: Partial<WebappContainerSpec> = {}): WebappContainerSpec {
  return {
    instance: 'dev',
    image: 'pyhost-runtime:latest',
    username: 'alice',
    uid: 10001,
    webappId: 42,
    domain: 'alice.localhost',
    generation: 5,
    env: { PYHOST_DOMAIN_NAME: 'alice.localhost', PYHOST_USERNAME: 'alice', GREETING: 'a=b c' },
    hostPaths: {
      home: '/data/users/alice/home',
      www: '/data/users/alice/www',
      log: '/data/users/alice/log',
      run: '/data/run/42/5',
    },
    limits: { memoryBytes: 256 * MiB, nanoCpus: 500_000_000, pids: 128, logMaxBytes: 20 * MiB },
    ...overrides,
  };
}
