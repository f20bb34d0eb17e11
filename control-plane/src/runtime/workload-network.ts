// What a user's container gets for installing packages and reaching the
// internet (docs/egress.md), as pure pieces of its create options. The
// container itself never has a network: NetworkMode stays 'none' in every
// mode, so it cannot reach the host, the api, the Docker socket, other
// users' containers or the local network by address at all. Its only way
// out is the egress proxy's unix socket, which a forwarder inside turns
// into a loopback port that pip and everything else use as their proxy.

/** Where the admin's wheels appear in users' containers. */
export const WHEELHOUSE_TARGET = '/wheelhouse';
/** Where the egress folder (with the proxy's socket) appears in users' containers. */
export const EGRESS_TARGET = '/run/pyhost-egress';
/** The socket's name in the egress folder, on the host and in every container that mounts it. */
export const EGRESS_SOCKET_NAME = 'proxy.sock';
/** The loopback port the forwarder listens on in each user's container. */
export const CONTAINER_PROXY_PORT = 3128;
/** The runtime image's own entrypoint (runtime-image/Dockerfile): the web-app gateway. */
export const IMAGE_ENTRYPOINT: readonly string[] = Object.freeze(['python3', '-m', 'pyhost_gateway']);

export interface WorkloadNetwork {
  /** Host folder of the admin's wheels, mounted read-only at /wheelhouse; null: none. */
  readonly wheelhouse: string | null;
  /** Host folder holding the egress proxy's socket, mounted read-only at /run/pyhost-egress; null: egress is off. */
  readonly egressDir: string | null;
}

/**
 * Starts the forwarder, detached (the subshell exits, so docker-init reaps
 * it and the workload is not its parent), then becomes the workload itself
 * with exec, so the workload keeps the PID, the signals and the exit code
 * it has without egress. $@: the workload's own command.
 */
export const EGRESS_SHIM =
  `(socat TCP-LISTEN:${CONTAINER_PROXY_PORT},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:${EGRESS_TARGET}/${EGRESS_SOCKET_NAME} </dev/null >/dev/null 2>&1 &); exec "$@"`;

export function networkMounts(network: WorkloadNetwork): { source: string; target: string; readOnly: true }[] {
  return [
    ...(network.wheelhouse === null ? [] : [{ source: network.wheelhouse, target: WHEELHOUSE_TARGET, readOnly: true as const }]),
    ...(network.egressDir === null ? [] : [{ source: network.egressDir, target: EGRESS_TARGET, readOnly: true as const }]),
  ];
}

/**
 * pip looks in the wheelhouse first; without egress it is told not to try
 * an index at all, so a missing package fails at once with "No matching
 * distribution" instead of retrying a network that is not there. With
 * egress, everything that honours the usual proxy variables (pip, urllib,
 * requests, curl, git over https) goes through the forwarder.
 */
export function networkEnv(network: WorkloadNetwork): Record<string, string> {
  const env: Record<string, string> = {};
  if (network.wheelhouse !== null) env.PIP_FIND_LINKS = WHEELHOUSE_TARGET;
  if (network.egressDir === null) {
    env.PIP_NO_INDEX = '1';
    return env;
  }
  const proxy = `http://127.0.0.1:${CONTAINER_PROXY_PORT}`;
  return { ...env, HTTP_PROXY: proxy, HTTPS_PROXY: proxy, http_proxy: proxy, https_proxy: proxy, NO_PROXY: 'localhost,127.0.0.1', no_proxy: 'localhost,127.0.0.1' };
}

/** The workload's command behind the forwarder; unchanged when egress is off. */
export function networkEntrypoint(network: WorkloadNetwork, entrypoint: readonly string[] | undefined): string[] | undefined {
  if (network.egressDir === null) return entrypoint === undefined ? undefined : [...entrypoint];
  return ['bash', '-c', EGRESS_SHIM, 'pyhost-egress', ...(entrypoint ?? IMAGE_ENTRYPOINT)];
}

