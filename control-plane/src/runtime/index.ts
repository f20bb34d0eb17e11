// The runtime layer's public surface. Services import from here; only this
// folder may import dockerode.
export * from './labels.js';
export * from './workload-spec.js';
export * from './container-runtime.js';
export { DockerRuntime, createDockerClient, createDockerRuntime, type DockerClientOptions } from './docker-runtime.js';
export { HostCommands, HostCommandError } from './host-commands.js';
export * as gateway from './gateway-client.js';
export type { GatewayStatus, GatewayState, ReloadResult } from './gateway-client.js';
export * from './workload-network.js';
export * from './egress-proxy-spec.js';
export { DockerEgressProxy } from './docker-egress.js';
