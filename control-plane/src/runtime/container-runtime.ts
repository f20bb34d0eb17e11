// The scheduler abstraction (Dokku-style): services and the reconciler talk to
// this interface only. DockerRuntime drives a real engine; FakeRuntime backs
// fast unit tests; a Swarm implementation can come later behind the same shape.
import type { Duplex } from 'node:stream';
import type { WorkloadSpec } from './workload-spec.js';
import type { PyhostLabels } from './labels.js';
import type { EgressProxyRuntime } from './egress-proxy-spec.js';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export const CONTAINER_STATES: readonly ContainerState[] = [
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
];

export interface ManagedContainer {
  id: string;
  name: string;
  labels: PyhostLabels;
  state: ContainerState;
  /** Null while the container has never exited. */
  exitCode: number | null;
  /** ISO timestamps; null when Docker reports its zero time (never started / never finished). */
  startedAt: string | null;
  finishedAt: string | null;
  /** The memory limit it was created with, in bytes; null when the engine does not say. */
  memoryBytes: number | null;
  /** The image it was created from, as named then (a runtime image's tag: which Python it has). */
  image?: string;
}

export interface RuntimeEvent {
  id: string;
  /** Docker's action: 'create' | 'start' | 'die' | 'stop' | 'kill' | 'oom' | 'destroy' | ... */
  action: string;
  labels: PyhostLabels;
  /** Set on 'die' events. */
  exitCode: number | null;
  /** Unix time in milliseconds. */
  time: number;
}

export interface WatchOptions {
  /** Called when the event stream fails; the runtime reconnects by itself. */
  onError?: (err: RuntimeError) => void;
}

export type RuntimeErrorCode =
  | 'unavailable' // engine not reachable
  | 'image_not_found'
  | 'conflict' // e.g. a container of that name/generation already exists
  | 'not_managed' // refused: the container carries no Pyhost labels
  | 'start_failed'
  | 'engine_error';

export class RuntimeError extends Error {
  override name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly statusCode: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface TtyExecOptions {
  /** The program and its arguments, as an argv (no shell parses it). */
  cmd: string[];
  /** Added to the container's environment. */
  env: Record<string, string>;
  /** Absolute path inside the container; it must exist. */
  workingDir: string;
  cols: number;
  rows: number;
}

/** A process attached to a pseudo-terminal inside a container. */
export interface TtyExec {
  /** Terminal input goes in, raw terminal output (bytes) comes out; ends when the process exits. */
  readonly stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** The exit code once the process has ended; null if the engine cannot tell. */
  exitCode(): Promise<number | null>;
}

export interface ExecResult {
  /** Null when the command did not finish in time (or the engine cannot tell). */
  exitCode: number | null;
  /** stdout and stderr together, truncated to a few KiB. */
  output: string;
}

/** One running container's cumulative CPU time, for the daily CPU allowance. */
export interface CpuSample {
  id: string;
  labels: PyhostLabels;
  /** CPU time used since the container started, in microseconds. */
  usageUsec: number;
  /** When the container was created (unix ms). */
  createdMs: number;
  /** Memory in use, less the page cache the kernel can drop (as `docker stats` shows it); null when the engine does not say. */
  memoryBytes: number | null;
}

export interface ContainerRuntime {
  /** Resolves when the engine answers; throws RuntimeError('unavailable') otherwise. */
  ping(): Promise<void>;
  /** The instance's egress proxy (docs/egress.md); absent in runtimes that run no real containers. */
  readonly egressProxy?: EgressProxyRuntime;
  imageExists(image: string): Promise<boolean>;
  /**
   * Creates and starts a workload's hardened container (any kind). If the
   * start fails, the created container is removed before throwing (no orphans).
   */
  start(spec: WorkloadSpec): Promise<ManagedContainer>;
  /** Starts a process on a TTY in a running Pyhost container. */
  execTty(containerId: string, options: TtyExecOptions): Promise<TtyExec>;
  /** Runs a short command (no TTY) in a running Pyhost container and waits for it, at most timeoutMs. */
  execOnce(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /** Idempotent: already stopped or gone is success. */
  stop(id: string, graceSeconds: number): Promise<void>;
  /** Force-removes. Idempotent: gone is success. */
  remove(id: string): Promise<void>;
  /** All states; only this instance's labelled containers. */
  list(instance: string): Promise<ManagedContainer[]>;
  /** Null when the container is gone or is not a Pyhost container. */
  inspect(id: string): Promise<ManagedContainer | null>;
  /**
   * Streams this instance's container events; reconnects if the stream ends.
   * Returns the unsubscribe function.
   */
  watch(instance: string, onEvent: (e: RuntimeEvent) => void, options?: WatchOptions): () => void;
  /** This instance's running containers, each with the CPU time it has used so far (one cheap reading each). */
  cpuSamples(instance: string): Promise<CpuSample[]>;
  /** Changes a running container's CPU limit in place (the tarpit and back); gone is success. */
  setNanoCpus(id: string, nanoCpus: number): Promise<void>;
}

export function isContainerState(s: string): s is ContainerState {
  return (CONTAINER_STATES as readonly string[]).includes(s);
}
