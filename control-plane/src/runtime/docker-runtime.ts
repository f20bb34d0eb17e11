// ContainerRuntime on a local Docker Engine through dockerode. The client is
// built by a factory (never at import time) so tests and the server choose
// the socket, and nothing touches Docker merely by importing this module.
import fs from 'node:fs';
import os from 'node:os';
import Docker from 'dockerode';
import type { ContainerCreateOptions, ContainerInspectInfo } from 'dockerode';
import type { Mount } from '../domain/host-paths.js';
import { buildCreateOptions, type WorkloadSpec } from './workload-spec.js';
import {
  RuntimeError,
  isContainerState,
  type ContainerRuntime,
  type CpuSample,
  type ExecResult,
  type ManagedContainer,
  type RuntimeEvent,
  type TtyExec,
  type TtyExecOptions,
  type WatchOptions,
} from './container-runtime.js';
import { runExecOnce, startTtyExec } from './docker-exec.js';
import { engineMessage, statusCodeOf, toRuntimeError } from './docker-errors.js';
import { watchDockerEvents } from './docker-events.js';
import { readCgroupCounters, usageLessCache, type CgroupCounters } from './cgroup-counters.js';
import { instanceLabelFilter, parseLabels } from './labels.js';
import { DockerEgressProxy } from './docker-egress.js';
import type { EgressProxyRuntime } from './egress-proxy-spec.js';

export interface DockerClientOptions {
  /** Defaults to /var/run/docker.sock. */
  socketPath?: string;
}

export function createDockerClient(options: DockerClientOptions = {}): Docker {
  return new Docker({ socketPath: options.socketPath ?? '/var/run/docker.sock' });
}

export function createDockerRuntime(options: DockerClientOptions = {}): DockerRuntime {
  return new DockerRuntime(createDockerClient(options));
}

// Docker reports "never" as Go's zero time.
function timeOrNull(t: string | undefined): string | null {
  if (!t || t.startsWith('0001-01-01')) return null;
  return t;
}

/** Null when the container is not a Pyhost container (never touch those). */
export function toManagedContainer(info: ContainerInspectInfo): ManagedContainer | null {
  const labels = parseLabels(info.Config.Labels);
  if (!labels) return null;
  const status = info.State.Status;
  // A state this code does not know cannot be trusted to be running.
  const state = isContainerState(status) ? status : 'dead';
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    labels,
    state,
    // Docker reports 0 for containers that never exited; only a finished
    // container has a meaningful code.
    exitCode: state === 'exited' || state === 'dead' ? info.State.ExitCode : null,
    startedAt: timeOrNull(info.State.StartedAt),
    finishedAt: timeOrNull(info.State.FinishedAt),
    memoryBytes: info.HostConfig?.Memory || null,
    image: info.Config.Image,
  };
}

// Inspecting hundreds of containers at once would hammer dockerd for no gain.
const INSPECT_CONCURRENCY = 8;
const STATS_CONCURRENCY = 32;

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class DockerRuntime implements ContainerRuntime {
  readonly egressProxy: EgressProxyRuntime;

  constructor(
    private readonly docker: Docker,
    /** The host's cgroup tree, read for CPU and memory before the engine is asked (cgroup-counters.ts); null: always ask the engine. */
    private readonly cgroupRoot: string | null = '/sys/fs/cgroup',
  ) {
    this.egressProxy = new DockerEgressProxy(docker);
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (err) {
      const e = toRuntimeError('ping', err);
      throw new RuntimeError('unavailable', e.message, e.statusCode, { cause: err });
    }
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (err) {
      // 400 is an invalid reference: such an image cannot exist either.
      const status = statusCodeOf(err);
      if (status === 404 || status === 400) return false;
      throw toRuntimeError(`inspect image ${image}`, err);
    }
  }

  /**
   * The mounts of the Docker container this process runs in, as the engine
   * reports them; null when not running in a Docker container or when the
   * engine does not know this container (a custom hostname, another engine).
   */
  async ownMounts(): Promise<Mount[] | null> {
    if (!fs.existsSync('/.dockerenv')) return null;
    try {
      // A container's hostname is its short id unless someone set another one.
      const info = await this.docker.getContainer(os.hostname()).inspect();
      return info.Mounts.map((m) => ({ type: m.Type, source: m.Source, destination: m.Destination }));
    } catch {
      return null;
    }
  }

  async start(spec: WorkloadSpec): Promise<ManagedContainer> {
    return this.createAndStart(buildCreateOptions(spec));
  }

  async execTty(containerId: string, options: TtyExecOptions): Promise<TtyExec> {
    await this.mustBeManaged(containerId, 'exec');
    return startTtyExec(this.docker.getContainer(containerId), options);
  }

  async execOnce(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    await this.mustBeManaged(containerId, 'exec');
    return runExecOnce(this.docker.getContainer(containerId), this.docker.modem, cmd, timeoutMs);
  }

  private async createAndStart(options: ContainerCreateOptions): Promise<ManagedContainer> {
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(options);
    } catch (err) {
      // 400 also covers bad mounts etc.; only a malformed image name means "no such image".
      const badRef = statusCodeOf(err) === 400 && /invalid reference format/i.test(engineMessage(err));
      throw toRuntimeError(`create container ${options.name ?? ''}`, err, {
        404: 'image_not_found',
        409: 'conflict',
        ...(badRef ? { 400: 'image_not_found' as const } : {}),
      });
    }
    try {
      await container.start();
    } catch (err) {
      let cleanup = '';
      try {
        await container.remove({ force: true, v: true });
      } catch (removeErr) {
        if (statusCodeOf(removeErr) !== 404) cleanup = `; removing it failed too: ${engineMessage(removeErr)}`;
      }
      throw new RuntimeError('start_failed', `start container ${options.name ?? ''}: ${engineMessage(err)}${cleanup}`, statusCodeOf(err), {
        cause: err,
      });
    }
    const started = await this.inspect(container.id);
    if (!started) throw new RuntimeError('engine_error', `container ${options.name ?? ''} vanished right after start`);
    return started;
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    if (!(await this.ensureManaged(id, 'stop'))) return;
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.round(graceSeconds)) });
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === 304 || status === 404) return; // already stopped / already gone
      throw toRuntimeError(`stop container ${id}`, err);
    }
  }

  async remove(id: string): Promise<void> {
    if (!(await this.ensureManaged(id, 'remove'))) return;
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === 404) return;
      // 409 "removal already in progress": someone else is doing our job.
      if (status === 409 && /already in progress/i.test(engineMessage(err))) return;
      throw toRuntimeError(`remove container ${id}`, err);
    }
  }

  async list(instance: string): Promise<ManagedContainer[]> {
    let summaries: Docker.ContainerInfo[];
    try {
      summaries = await this.docker.listContainers({ all: true, filters: { label: instanceLabelFilter(instance) } });
    } catch (err) {
      throw toRuntimeError(`list containers of ${instance}`, err);
    }
    // The summary lacks exit code and timestamps, which crash-loop backoff needs.
    const inspected = await mapLimit(summaries, INSPECT_CONCURRENCY, (s) => this.inspect(s.Id));
    return inspected.filter((c): c is ManagedContainer => c !== null && c.labels.instance === instance);
  }

  async inspect(id: string): Promise<ManagedContainer | null> {
    const info = await this.inspectRaw(id);
    return info ? toManagedContainer(info) : null;
  }

  watch(instance: string, onEvent: (e: RuntimeEvent) => void, options?: WatchOptions): () => void {
    return watchDockerEvents(this.docker, instance, onEvent, options);
  }

  async cpuSamples(instance: string): Promise<CpuSample[]> {
    let summaries: Docker.ContainerInfo[];
    try {
      summaries = await this.docker.listContainers({ filters: { label: instanceLabelFilter(instance), status: ['running'] } });
    } catch (err) {
      throw toRuntimeError(`list running containers of ${instance}`, err);
    }
    // The cgroup's files where the api sees them; else the engine's stats,
    // whose calls wait for its collector (a tick a second), not on the CPU: many may wait at once.
    const samples = await mapLimit(summaries, STATS_CONCURRENCY, async (s): Promise<CpuSample | null> => {
      const labels = parseLabels(s.Labels, instance);
      if (!labels) return null;
      const counters = (this.cgroupRoot !== null ? await readCgroupCounters(this.cgroupRoot, s.Id) : null) ?? (await this.engineCounters(s.Id));
      if (counters === null || counters.usageUsec <= 0) return null;
      return { id: s.Id, labels, usageUsec: counters.usageUsec, createdMs: s.Created * 1000, memoryBytes: counters.memoryBytes };
    });
    return samples.filter((s): s is CpuSample => s !== null);
  }

  /** A container's counters as the engine's stats report them; null when it is gone. */
  private async engineCounters(id: string): Promise<CgroupCounters | null> {
    try {
      // one-shot: the engine's current counters, without waiting a second
      // for a second reading (which only the CPU percentage needs).
      const stats = await this.docker.getContainer(id).stats({ stream: false, 'one-shot': true });
      // Nanoseconds, under cgroup v1 and v2 alike (the engine converts v2's usage_usec).
      const usageNs = stats.cpu_stats?.cpu_usage?.total_usage;
      if (typeof usageNs !== 'number') return null;
      return { usageUsec: Math.floor(usageNs / 1000), memoryBytes: memoryInUse(stats.memory_stats) };
    } catch (err) {
      // Gone between the list and the reading: its last interval is lost.
      if (statusCodeOf(err) === 404) return null;
      throw toRuntimeError(`read CPU usage of container ${id}`, err);
    }
  }

  async setNanoCpus(id: string, nanoCpus: number): Promise<void> {
    if (!(await this.ensureManaged(id, 'update'))) return;
    try {
      await this.docker.getContainer(id).update({ NanoCpus: nanoCpus });
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === 404) return;
      throw toRuntimeError(`update CPU limit of container ${id}`, err);
    }
  }

  private async inspectRaw(id: string): Promise<ContainerInspectInfo | null> {
    try {
      return await this.docker.getContainer(id).inspect();
    } catch (err) {
      if (statusCodeOf(err) === 404) return null;
      throw toRuntimeError(`inspect container ${id}`, err);
    }
  }

  private async mustBeManaged(id: string, operation: string): Promise<void> {
    if (!(await this.ensureManaged(id, operation))) {
      throw new RuntimeError('conflict', `${operation} container ${id}: it is gone`, 404);
    }
  }

  /** False when gone; throws when the container exists but is not ours. */
  private async ensureManaged(id: string, operation: string): Promise<boolean> {
    const info = await this.inspectRaw(id);
    if (!info) return false;
    if (!parseLabels(info.Config.Labels)) {
      throw new RuntimeError('not_managed', `${operation} container ${id}: refused, it is not a Pyhost container`);
    }
    return true;
  }
}

/**
 * What `docker stats` calls a container's memory: its cgroup's usage less
 * the inactive page cache (cgroup v2's inactive_file, v1's
 * total_inactive_file), which the kernel drops before it would kill.
 */
export function memoryInUse(m: Docker.ContainerStats['memory_stats'] | undefined): number | null {
  const stats = (m?.stats ?? {}) as Partial<Record<string, number>>;
  return usageLessCache(typeof m?.usage === 'number' ? m.usage : null, stats.inactive_file ?? stats.total_inactive_file);
}
