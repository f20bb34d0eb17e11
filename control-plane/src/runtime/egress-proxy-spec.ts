// The egress proxy's container (docs/egress.md): one per instance, on its
// own bridge network (so Docker's DNS resolves names for squid), never on a
// user's container's network, because users' containers have none. Pure
// builder, table-tested like workload-spec.ts.
import type { ContainerCreateOptions } from 'dockerode';
import { assertValidInstanceId, LABEL_INSTANCE, LABEL_KIND, LABEL_MANAGED } from './labels.js';
import { assertSafeHostPath } from './workload-spec.js';
import { EGRESS_SOCKET_NAME, EGRESS_TARGET } from './workload-network.js';

/** Not a workload kind: parseLabels() turns it down, so the reconciler and the meters leave the proxy alone. */
export const EGRESS_PROXY_KIND = 'egress-proxy';
/** A hash of everything the proxy was started with; another value means it must be replaced. */
export const LABEL_EGRESS_CONFIG = 'io.pyhost.egress-config';
export const EGRESS_CONF_NAME = 'squid.conf';

export interface EgressProxySpec {
  readonly instance: string;
  readonly image: string;
  /** Host folder with squid.conf, the allowlist and error pages; socat makes proxy.sock there. */
  readonly dir: string;
  /** sha256 over the files and settings the proxy runs with. */
  readonly configHash: string;
}

export interface EgressProxyRuntime {
  /** Starts the proxy (and its network) unless one with the same configuration hash is running; replaces one that differs. */
  ensure(spec: EgressProxySpec): Promise<'kept' | 'started'>;
  /** Removes the instance's proxy and its network, if there are any. */
  remove(instance: string): Promise<void>;
  /** The id of the instance's proxy container, or null. */
  find(instance: string): Promise<string | null>;
}

export const egressProxyName = (instance: string): string => `pyhost-${instance}-egress`;
export const egressNetworkName = (instance: string): string => `pyhost-${instance}-egress`;

export function egressProxyLabels(instance: string): Record<string, string> {
  assertValidInstanceId(instance);
  return { [LABEL_MANAGED]: 'true', [LABEL_INSTANCE]: instance, [LABEL_KIND]: EGRESS_PROXY_KIND };
}

const TMPFS = 'rw,nosuid,nodev,noexec,mode=1777';
const MiB = 1024 * 1024;

/**
 * squid starts as root and drops to its `proxy` user (SETUID, SETGID: the
 * only capabilities it keeps); no new privileges, read-only root with tmpfs
 * for squid's pid file, its FIFO and spool; bounded memory, processes and
 * logs. Restarted by the engine if it dies: users' installs depend on it,
 * and nothing else watches it between api starts.
 */
export function buildEgressProxyOptions(spec: EgressProxySpec): ContainerCreateOptions {
  assertSafeHostPath('egress', spec.dir);
  if (!/^[0-9a-f]{64}$/.test(spec.configHash)) throw new Error('configHash must be a sha256 in hex');
  return {
    name: egressProxyName(spec.instance),
    Image: spec.image,
    Labels: { ...egressProxyLabels(spec.instance), [LABEL_EGRESS_CONFIG]: spec.configHash },
    Cmd: [`${EGRESS_TARGET}/${EGRESS_CONF_NAME}`, `${EGRESS_TARGET}/${EGRESS_SOCKET_NAME}`],
    StopSignal: 'SIGTERM',
    HostConfig: {
      Mounts: [{ Type: 'bind', Source: spec.dir, Target: EGRESS_TARGET, ReadOnly: false }],
      NetworkMode: egressNetworkName(spec.instance),
      CapDrop: ['ALL'],
      CapAdd: ['SETUID', 'SETGID'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Tmpfs: {
        '/run/squid': `${TMPFS},size=1m`,
        '/tmp': `${TMPFS},size=16m`,
        '/var/spool/squid': `${TMPFS},size=16m`,
        '/var/log/squid': `${TMPFS},size=16m`,
      },
      Memory: 256 * MiB,
      MemorySwap: 256 * MiB,
      PidsLimit: 256,
      NanoCpus: 1_000_000_000,
      Init: true,
      LogConfig: { Type: 'json-file', Config: { 'max-size': String(10 * MiB), 'max-file': '2' } },
      RestartPolicy: { Name: 'unless-stopped' },
      Privileged: false,
    },
  };
}
