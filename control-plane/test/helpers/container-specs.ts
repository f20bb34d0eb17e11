import type { WorkloadSpec } from '../../src/runtime/workload-spec.js';

const MiB = 1024 * 1024;

export interface WebappHostPaths {
  readonly home: string;
  readonly www: string;
  readonly log: string;
  readonly run: string;
}

/** A web app's workload spec with the host folders it mounts at hand (tests read and write in them). */
export interface TestWebappSpec extends WorkloadSpec {
  readonly domain: string;
  readonly hostPaths: WebappHostPaths;
}

/** The web-app kind's four mounts, as services/webapps/webapp-workload.ts makes them. */
export function webappMounts(username: string, hostPaths: WebappHostPaths): WorkloadSpec['mounts'] {
  return [
    { source: hostPaths.home, target: `/home/${username}` },
    { source: hostPaths.www, target: '/var/www' },
    { source: hostPaths.log, target: '/var/log' },
    { source: hostPaths.run, target: '/run/pyhost' },
  ];
}

/** The same spec with other host folders (and so other mounts). */
export function withHostPaths(spec: TestWebappSpec, hostPaths: WebappHostPaths): TestWebappSpec {
  return { ...spec, hostPaths, mounts: webappMounts(spec.username, hostPaths) };
}

/** A complete, valid web-app workload spec for the builders and runtimes under test. */
export function webappSpec(overrides: Partial<TestWebappSpec> = {}): TestWebappSpec {
  const hostPaths = overrides.hostPaths ?? {
    home: '/data/users/alice/home',
    www: '/data/users/alice/www',
    log: '/data/users/alice/log',
    run: '/data/run/42/5',
  };
  const username = overrides.username ?? 'alice';
  return {
    kind: 'webapp',
    instance: 'dev',
    image: 'pyhost-runtime:latest',
    username,
    uid: 10001,
    workloadId: 42,
    domain: 'alice.localhost',
    generation: 5,
    env: { PYHOST_DOMAIN_NAME: 'alice.localhost', PYHOST_USERNAME: 'alice', GREETING: 'a=b c' },
    hostPaths,
    mounts: webappMounts(username, hostPaths),
    stopSignal: 'SIGTERM',
    limits: { memoryBytes: 256 * MiB, nanoCpus: 500_000_000, pids: 128, logMaxBytes: 20 * MiB },
    ...overrides,
  };
}
