// In-memory ContainerRuntime for fast unit tests of services and the
// reconciler. It enforces the same rules as DockerRuntime where callers can
// observe them (spec validation, name conflicts, idempotent stop/remove,
// instance scoping) so a test green here does not hide a real-Docker failure
// of the same kind. Real behaviour is still proven by the Docker tests.
import { buildWebappCreateOptions, type WebappContainerSpec } from './container-spec.js';
import {
  RuntimeError,
  type ContainerRuntime,
  type ManagedContainer,
  type RuntimeEvent,
  type WatchOptions,
} from './container-runtime.js';

interface Watcher {
  instance: string;
  onEvent: (e: RuntimeEvent) => void;
}

export class FakeRuntime implements ContainerRuntime {
  /** Every spec passed to startWebapp, in order (including failed starts). */
  readonly startedSpecs: WebappContainerSpec[] = [];
  /** Every runtime call, for asserting on order ("start new before stopping old"). */
  readonly calls: string[] = [];
  readonly images = new Set<string>(['pyhost-runtime:latest']);
  available = true;

  private readonly containers = new Map<string, ManagedContainer>();
  private readonly watchers = new Set<Watcher>();
  private nextId = 1;
  private failNextStartWith: string | null = null;

  /** The next startWebapp creates, fails to start, cleans up and throws. */
  failNextStart(message = 'simulated start failure'): void {
    this.failNextStartWith = message;
  }

  /** A running container exits (crash, OOM, docker kill): emits 'die'. */
  simulateExit(id: string, exitCode = 1): void {
    const c = this.mustGet(id);
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

  async startWebapp(spec: WebappContainerSpec): Promise<ManagedContainer> {
    this.calls.push(`startWebapp ${spec.webappId} g${spec.generation}`);
    this.startedSpecs.push(structuredClone(spec));
    this.assertAvailable();
    const options = buildWebappCreateOptions(spec); // same validation as Docker
    const name = options.name ?? '';
    if (!this.images.has(spec.image)) throw new RuntimeError('image_not_found', `No such image: ${spec.image}`, 404);
    if ([...this.containers.values()].some((c) => c.name === name)) {
      throw new RuntimeError('conflict', `container name ${name} is already in use`, 409);
    }
    const id = `fake${String(this.nextId++).padStart(12, '0')}`;
    const labels = {
      instance: spec.instance,
      user: spec.username,
      kind: 'webapp' as const,
      webapp: spec.webappId,
      generation: spec.generation,
    };
    this.containers.set(id, { id, name, labels, state: 'created', exitCode: null, startedAt: null, finishedAt: null });
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
    this.containers.set(id, { ...c, state: 'exited', exitCode: 0, finishedAt: this.now() });
    this.emit(id, 'die', 0);
    this.emit(id, 'stop', null);
  }

  async remove(id: string): Promise<void> {
    this.calls.push(`remove ${id}`);
    this.assertAvailable();
    const c = this.containers.get(id);
    if (!c) return;
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
    return new Date().toISOString();
  }
}
