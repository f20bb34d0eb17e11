// In-memory ContainerRuntime for fast tests of the API, the services and
// the reconciler. It enforces the same rules as DockerRuntime where callers
// can observe them (spec validation, name conflicts, idempotent
// stop/remove, instance scoping), and a web-app container gets a stand-in
// gateway on its run folder's sockets (fake-gateway.ts), so a test green
// here does not hide a real-Docker failure of the same kind. Real behaviour
// is still proven by the Docker tests.
import fs from 'node:fs';
import { Duplex } from 'node:stream';
import { buildCreateOptions, type WorkloadSpec } from '../../src/runtime/workload-spec.js';
import {
  RuntimeError,
  type ContainerRuntime,
  type CpuSample,
  type ExecResult,
  type ManagedContainer,
  type RuntimeEvent,
  type TtyExec,
  type TtyExecOptions,
  type WatchOptions,
} from '../../src/runtime/container-runtime.js';
import type { PyhostLabels } from '../../src/runtime/labels.js';
import { FakeGateway, type GatewayBehaviour } from './fake-gateway.js';

interface Watcher {
  instance: string;
  onEvent: (e: RuntimeEvent) => void;
}

export class FakeRuntime implements ContainerRuntime {
  /** Every spec passed to start, in order (including failed starts). */
  readonly startedSpecs: WorkloadSpec[] = [];
  /** How each new web-app container's gateway behaves (default: its app loads and serves). */
  gatewayBehaviour: (spec: WorkloadSpec) => GatewayBehaviour = () => 'serves';
  private readonly gateways = new Map<string, FakeGateway>();
  /** Every runtime call, for asserting on order ("start new before stopping old"). */
  readonly calls: string[] = [];
  readonly images = new Set<string>(['pyhost-runtime:latest', 'pyhost-runtime:python39', 'pyhost-runtime:python313']);
  available = true;

  private readonly containers = new Map<string, ManagedContainer>();
  private readonly watchers = new Set<Watcher>();
  /** Open fake TTY execs per container: they end when their container stops. */
  private readonly execs = new Map<string, Set<Duplex>>();
  /** The launcher's pid file argument of each fake TTY exec (see domain/console-rules.ts launchArgv). */
  private readonly pidFiles = new WeakMap<Duplex, string | undefined>();
  /** Each container's CPU time so far, in microseconds, as a test sets it (setCpuUsage). */
  private readonly cpuUsec = new Map<string, number>();
  private readonly memoryBytes = new Map<string, number>();
  /** Each container's CPU limit: its spec's, then as setNanoCpus changed it. */
  readonly nanoCpus = new Map<string, number>();
  private nextId = 1;
  private failNextStartWith: string | null = null;

  /** `clock`: the time containers start and stop at (the app's, when a test moves it). */
  constructor(private readonly clock: () => number = Date.now) {}

  /** The next start creates, fails to start, cleans up and throws. */
  failNextStart(message = 'simulated start failure'): void {
    this.failNextStartWith = message;
  }

  /** A running container exits (crash, OOM, docker kill): emits 'die'. */
  simulateExit(id: string, exitCode = 1): void {
    const c = this.mustGet(id);
    this.endGateway(id);
    this.containers.set(id, { ...c, state: 'exited', exitCode, finishedAt: this.now() });
    this.emit(id, 'die', exitCode);
  }

  /** Direct view without the async API, for assertions. */
  get(id: string): ManagedContainer | undefined {
    const c = this.containers.get(id);
    return c ? structuredClone(c) : undefined;
  }

  all(): ManagedContainer[] {
    return [...this.containers.values()].map((c) => structuredClone(c));
  }

  async ping(): Promise<void> {
    this.calls.push('ping');
    if (!this.available) throw new RuntimeError('unavailable', 'fake engine is down');
  }

  async imageExists(image: string): Promise<boolean> {
    this.calls.push(`imageExists ${image}`);
    this.assertAvailable();
    return this.images.has(image);
  }

  async start(spec: WorkloadSpec): Promise<ManagedContainer> {
    this.calls.push(spec.kind === 'console' ? `start console ${spec.username}` : `start ${spec.kind} ${spec.workloadId} g${spec.generation}`);
    this.startedSpecs.push(structuredClone(spec));
    this.assertAvailable();
    const options = buildCreateOptions(spec); // same validation as Docker
    const labels: PyhostLabels = { instance: spec.instance, user: spec.username, kind: spec.kind, workload: spec.workloadId, generation: spec.generation };
    const started = this.createAndStart(options.name ?? '', spec.image, labels, spec.limits.memoryBytes);
    this.nanoCpus.set(started.id, spec.limits.nanoCpus);
    const run = spec.mounts.find((m) => m.target === '/run/pyhost');
    // A gateway where the run folder exists (unit tests of the runtime itself give made-up paths).
    if ((spec.kind === 'webapp' || spec.kind === 'website' || spec.kind === 'compare') && run && fs.existsSync(run.source)) this.gateways.set(started.id, await FakeGateway.start(run.source, spec.uid, this.gatewayBehaviour(spec), `hello from ${spec.domain ?? ''} g${spec.generation}`));
    return started;
  }

  /**
   * A pretend terminal: it echoes what is typed and ends (exit code 0) on a
   * line that says `exit`. Enough for unit tests of the console plumbing.
   */
  async execTty(containerId: string, options: TtyExecOptions): Promise<TtyExec> {
    this.calls.push(`execTty ${containerId} ${options.cmd.join(' ')}`);
    this.assertAvailable();
    if (this.containers.get(containerId)?.state !== 'running') throw new RuntimeError('conflict', `container ${containerId} is not running`, 409);
    let ended = false;
    const stream: Duplex = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        const text = chunk.toString();
        stream.push(text.replace(/\r/g, '\r\n'));
        if (/(^|[\r\n])exit[\r\n]/.test(text) && !ended) {
          ended = true;
          stream.push(null);
        }
        callback();
      },
    });
    const open = this.execs.get(containerId) ?? new Set<Duplex>();
    open.add(stream);
    this.execs.set(containerId, open);
    this.pidFiles.set(stream, options.cmd[3]);
    stream.on('end', () => open.delete(stream));
    const exitCode = async () => (ended ? 0 : 137);
    return { stream, resize: async (cols, rows) => void this.calls.push(`resize ${cols}x${rows}`), exitCode };
  }

  /**
   * Pretends to run a command. A console kill (`… pkill -KILL -s … <pid file>`)
   * ends the fake TTY exec started with the same pid file, as the real one would.
   */
  async execOnce(containerId: string, cmd: string[], _timeoutMs: number): Promise<ExecResult> {
    this.calls.push(`execOnce ${containerId} ${cmd.join(' ')}`);
    this.assertAvailable();
    if (cmd.some((word) => word.includes('pkill'))) {
      for (const stream of this.execs.get(containerId) ?? []) {
        if (this.pidFiles.get(stream) === cmd[3]) stream.push(null);
      }
    }
    return { exitCode: 0, output: '' };
  }

  private createAndStart(name: string, image: string, labels: PyhostLabels, memoryBytes: number): ManagedContainer {
    if (!this.images.has(image)) throw new RuntimeError('image_not_found', `No such image: ${image}`, 404);
    if ([...this.containers.values()].some((c) => c.name === name)) {
      throw new RuntimeError('conflict', `container name ${name} is already in use`, 409);
    }
    const id = `fake${String(this.nextId++).padStart(12, '0')}`;
    this.containers.set(id, { id, name, labels, state: 'created', exitCode: null, startedAt: null, finishedAt: null, memoryBytes, image });
    this.emit(id, 'create', null);
    if (this.failNextStartWith !== null) {
      const message = this.failNextStartWith;
      this.failNextStartWith = null;
      this.containers.delete(id);
      this.emitFor(labels, id, 'destroy', null);
      throw new RuntimeError('start_failed', `start container ${name}: ${message}`);
    }
    const started: ManagedContainer = { ...this.mustGet(id), state: 'running', startedAt: this.now() };
    this.containers.set(id, started);
    this.emit(id, 'start', null);
    return structuredClone(started);
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    this.calls.push(`stop ${id} ${graceSeconds}`);
    this.assertAvailable();
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return;
    this.endExecs(id);
    this.endGateway(id);
    this.containers.set(id, { ...c, state: 'exited', exitCode: 0, finishedAt: this.now() });
    this.emit(id, 'die', 0);
    this.emit(id, 'stop', null);
  }

  async remove(id: string): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.assertAvailable();
    const c = this.containers.get(id);
    if (!c) return;
    this.endExecs(id);
    this.endGateway(id);
    if (c.state === 'running') this.emit(id, 'die', 137);
    this.containers.delete(id);
    this.emitFor(c.labels, id, 'destroy', null);
  }

  async list(instance: string): Promise<ManagedContainer[]> {
    this.assertAvailable();
    return this.all().filter((c) => c.labels.instance === instance);
  }

  async inspect(id: string): Promise<ManagedContainer | null> {
    this.assertAvailable();
    return this.get(id) ?? null;
  }

  watch(instance: string, onEvent: (e: RuntimeEvent) => void, _options?: WatchOptions): () => void {
    const watcher = { instance, onEvent };
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  /** A container has used this much CPU time since it started (what cpuSamples reports). */
  setCpuUsage(id: string, usageUsec: number): void {
    this.mustGet(id);
    this.cpuUsec.set(id, usageUsec);
  }

  /** A container's memory in use now (what cpuSamples reports). */
  setMemoryUsage(id: string, bytes: number): void {
    this.mustGet(id);
    this.memoryBytes.set(id, bytes);
  }

  async cpuSamples(instance: string): Promise<CpuSample[]> {
    this.assertAvailable();
    return this.all()
      .filter((c) => c.labels.instance === instance && c.state === 'running')
      .map((c) => ({ id: c.id, labels: c.labels, usageUsec: this.cpuUsec.get(c.id) ?? 0, createdMs: Date.parse(c.startedAt ?? '') || this.clock(), memoryBytes: this.memoryBytes.get(c.id) ?? null }));
  }

  async setNanoCpus(id: string, nanoCpus: number): Promise<void> {
    this.calls.push(`cpus ${id} ${nanoCpus}`);
    this.assertAvailable();
    if (this.containers.get(id)?.state === 'running') this.nanoCpus.set(id, nanoCpus);
  }

  /** Stops every stand-in gateway (their sockets are servers in this process). */
  shutdown(): void {
    for (const id of [...this.gateways.keys()]) this.endGateway(id);
  }

  /** The stand-in gateway of a running web-app container. */
  gatewayOf(id: string): FakeGateway | undefined {
    return this.gateways.get(id);
  }

  private endGateway(id: string): void {
    this.gateways.get(id)?.close();
    this.gateways.delete(id);
  }

  private endExecs(containerId: string): void {
    for (const stream of this.execs.get(containerId) ?? []) stream.push(null);
    this.execs.delete(containerId);
  }

  private emit(id: string, action: string, exitCode: number | null): void {
    this.emitFor(this.mustGet(id).labels, id, action, exitCode);
  }

  // Synchronous delivery keeps unit tests deterministic: once the call that
  // caused an event returns, every watcher has seen it.
  private emitFor(labels: ManagedContainer['labels'], id: string, action: string, exitCode: number | null): void {
    const event: RuntimeEvent = { id, action, labels: { ...labels }, exitCode, time: Date.now() };
    for (const w of [...this.watchers]) if (w.instance === labels.instance) w.onEvent(event);
  }

  private mustGet(id: string): ManagedContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`FakeRuntime: no container ${id}`);
    return c;
  }

  private assertAvailable(): void {
    if (!this.available) throw new RuntimeError('unavailable', 'fake engine is down');
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }
}
