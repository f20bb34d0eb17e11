import type { FastifyBaseLogger } from 'fastify';
import { removeTree } from '../../lib/beneath.js';
import { ensureRunDir } from '../../lib/platform-dirs.js';
import type { Config } from '../../config.js';
import { ConflictError, DomainError, ReloadFailedError, UnavailableError } from '../../domain/errors.js';
import { generationRunDir, uidFor, webappRunDir } from '../../domain/layout.js';
import type { WebappStatus } from '../../domain/webapp-status.js';
import { RuntimeError, gateway, type ContainerRuntime, type ManagedContainer } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import { UsersStore } from '../../store/users-store.js';
import type { WebappChanges, WebappRow, WebappsStore } from '../../store/webapps-store.js';
import { errorLogPath, logTail } from './app-logs.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import type { WebappLifecycle } from './lifecycle.js';
import { webappContainerSpec } from './webapp-workload.js';
import { CONTAINER_SETTINGS } from './webapp-service.js';

/** What the control plane last saw of an app's active container. */
type Observed = 'starting' | 'running' | 'failed' | 'down';

interface Started {
  readonly container: ManagedContainer;
  readonly generation: number;
  readonly runDir: string;
}

/** What came of starting a container with an app's saved settings. */
type ReplaceOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly kept: boolean; readonly reason: string; readonly message: string; readonly logTail: string };

const STOP_GRACE_SECONDS = 10;
const STARTUP_WATCH_MS = 60_000;

/**
 * Runs web apps as containers on the Docker Engine: one container per
 * enabled app, replaced side by side when its settings change, reloaded in
 * place through its gateway when its code changes. The reconciler
 * (reconciler.ts) repairs whatever changes behind its back.
 */
export class DockerLifecycle implements WebappLifecycle {
  readonly locks = new KeyedLock();
  private readonly observed = new Map<number, Observed>();
  private readonly users: UsersStore;
  /** Set by the router wiring: called whenever which socket serves a domain may have changed. */
  onRoutesChanged: () => void = () => {};
  /** Set by the reconciler: a successful reload ends a crash loop's backoff. */
  onRecovered: (webappId: number) => void = () => {};

  constructor(
    private readonly config: Config,
    private readonly instance: string,
    private readonly store: WebappsStore,
    users: UsersStore,
    private readonly runtime: ContainerRuntime,
    private readonly log: FastifyBaseLogger,
  ) {
    this.users = users;
  }

  // ---- WebappLifecycle ----------------------------------------------------

  async created(owner: UserRow, app: WebappRow): Promise<void> {
    if (app.enabled) await this.locks.run(app.id, () => this.startAndActivate(owner, app).then(() => undefined));
  }

  /**
   * Saves what validated, then starts a container with it if the app runs
   * and a setting it starts with changed. PythonAnywhere saves settings and
   * applies them at the next Reload, and its tools rely on that order
   * (configure, then create the virtualenv or folder, then reload): so a
   * container that does not start is not a refusal. The previous one keeps
   * serving, and `settings_warning` says why the saved settings do not serve
   * yet until a Reload starts them.
   */
  async changed(owner: UserRow, before: WebappRow, changes: WebappChanges): Promise<WebappRow> {
    return this.locks.run(before.id, async () => {
      const needsNewContainer = CONTAINER_SETTINGS.some((k) => k in changes && changes[k] !== before[k]);
      const after = this.store.update(before.id, changes);
      if (!needsNewContainer || !after.enabled) {
        this.routesChanged();
        return after;
      }
      try {
        const outcome = await this.replace(owner, after);
        if (!outcome.ok) {
          this.store.setSettingsWarning(
            after.id,
            outcome.kept ? pendingWarning(outcome.reason) : `the app did not start with these settings: ${outcome.reason}. Fix that, then Reload.`,
          );
        }
      } catch (err) {
        // The engine did not answer (or worse): the settings stay saved for the next Reload.
        this.store.setSettingsWarning(after.id, pendingWarning((err as Error).message));
        if (!(err instanceof DomainError)) throw err;
      }
      // Settings that need no container (force_https, protection) apply at once either way.
      this.routesChanged();
      return this.store.byId(before.id)!;
    });
  }

  async removed(app: WebappRow): Promise<void> {
    await this.locks.run(app.id, async () => {
      await this.retire(await this.containersOf(app.id));
      await removeTree(webappRunDir(this.config.dataDir, app.id));
      this.observed.delete(app.id);
      this.store.remove(app.id);
      this.routesChanged();
    });
  }

  async reload(owner: UserRow, app: WebappRow): Promise<void> {
    await this.locks.run(app.id, async () => {
      const current = this.store.byId(app.id)!;
      if (!current.enabled) throw new ConflictError('this web app is disabled: enable it first, which also starts it');
      const started = Date.now();
      const runDir = generationRunDir(this.config.dataDir, current.id, current.active_generation);
      const live = (await this.containersOf(current.id)).find((c) => c.labels.generation === current.active_generation && c.state === 'running');
      const gatewayUp = live ? await gateway.status(runDir).then(() => true, () => false) : false;
      const nothingServes = !gatewayUp || current.crashed_reason !== null;

      if (nothingServes || current.settings_warning) {
        // Nothing healthy to reload in place, or saved settings the running
        // container was not started with: start a new container instead.
        const outcome = await this.replace(owner, current, { force: nothingServes });
        if (!outcome.ok) {
          if (outcome.kept) this.store.setSettingsWarning(current.id, pendingWarning(outcome.reason));
          throw new ReloadFailedError(outcome.message, outcome.logTail);
        }
        return;
      }
      const result = await gateway.reload(runDir, this.config.reloadTimeoutMs + 5000);
      if (result.ok) {
        this.observed.set(current.id, 'running');
        this.store.recordReload(current.id, { ok: true, durationMs: Date.now() - started, error: null });
        this.onRecovered(current.id);
        return;
      }
      this.store.recordReload(current.id, { ok: false, durationMs: Date.now() - started, error: result.error });
      throw new ReloadFailedError(`reload failed: ${result.error}. The previous version keeps serving.`, result.logTail);
    });
  }

  async enable(owner: UserRow, app: WebappRow): Promise<void> {
    await this.locks.run(app.id, async () => {
      const current = this.store.update(app.id, { enabled: 1 });
      this.store.setCrashed(app.id, null);
      const live = (await this.containersOf(app.id)).some((c) => c.labels.generation === current.active_generation && c.state === 'running');
      if (!live) await this.startAndActivate(owner, current);
    });
  }

  async disable(_owner: UserRow, app: WebappRow): Promise<void> {
    await this.locks.run(app.id, async () => {
      this.store.update(app.id, { enabled: 0 });
      await this.retire(await this.containersOf(app.id));
      this.observed.delete(app.id);
      this.routesChanged();
    });
  }

  status(app: WebappRow): WebappStatus {
    const last_reload =
      app.last_reload_at === null
        ? null
        : { at: app.last_reload_at, duration_ms: app.last_reload_ms ?? 0, ok: app.last_reload_ok === 1, error: app.last_reload_error };
    if (!app.enabled) return { state: 'disabled', last_reload };
    if (app.crashed_reason) return { state: 'crashed', last_reload };
    const seen = this.observed.get(app.id);
    const state = seen === 'running' ? 'running' : seen === 'starting' ? 'starting' : seen === 'failed' ? 'crashed' : 'stopped';
    return { state, last_reload };
  }

  routesChanged(): void {
    this.onRoutesChanged();
  }

  // ---- used by the reconciler ---------------------------------------------

  /** Starts a fresh container for an app whose container died or vanished. */
  async restart(webappId: number): Promise<void> {
    await this.locks.run(webappId, async () => {
      const app = this.store.byId(webappId);
      if (!app || !app.enabled || app.crashed_reason) return;
      const owner = this.users.byId(app.user_id)!;
      await this.startAndActivate(owner, app);
    });
  }

  /** Notes a container event; returns whether it concerned an active generation. */
  noteDown(webappId: number, generation: number): void {
    const app = this.store.byId(webappId);
    if (app && app.active_generation === generation) this.observed.set(webappId, 'down');
  }

  /** After a control-plane restart: learn the state of a container that kept running. */
  async adopt(app: WebappRow): Promise<void> {
    if (this.observed.has(app.id)) return;
    const runDir = generationRunDir(this.config.dataDir, app.id, app.active_generation);
    const s = await gateway.status(runDir).catch(() => null);
    this.observed.set(app.id, s === null ? 'starting' : s.state === 'running' ? 'running' : s.state === 'failed' ? 'failed' : 'starting');
    if (s?.state !== 'running') this.watchStartup(app.id, app.active_generation, runDir);
  }

  /**
   * Removes a container the reconciler found unwanted, after checking again
   * under the app's lock: an operation may have made it the active one since
   * the reconciler looked.
   */
  async removeIfUnwanted(c: ManagedContainer): Promise<void> {
    const webappId = c.labels.webapp;
    if (webappId === null) return;
    await this.locks.run(webappId, async () => {
      const app = this.store.byId(webappId);
      const fresh = await this.engine(() => this.runtime.inspect(c.id));
      if (!fresh) return;
      const wanted = app && app.enabled && fresh.labels.generation === app.active_generation && fresh.state === 'running';
      if (!wanted) await this.retire([fresh]);
    });
  }

  async containersOf(webappId: number): Promise<ManagedContainer[]> {
    const all = await this.engine(() => this.runtime.list(this.instance));
    return all.filter((c) => c.labels.kind === 'webapp' && c.labels.webapp === webappId);
  }

  /** The run directory whose app.sock serves the app now, or null when none does. */
  activeRunDir(app: WebappRow): string | null {
    return app.active_generation > 0 ? generationRunDir(this.config.dataDir, app.id, app.active_generation) : null;
  }

  // ---- internals ------------------------------------------------------------

  private async startGeneration(owner: UserRow, app: WebappRow): Promise<Started> {
    const generation = this.store.allocateGeneration(app.id);
    const runDir = generationRunDir(this.config.dataDir, app.id, generation);
    const uid = uidFor(this.config.uidBase, owner.id);
    ensureRunDir(webappRunDir(this.config.dataDir, app.id), runDir, uid, this.config.ingressUid);
    try {
      const spec = webappContainerSpec(this.config, this.instance, owner, app, generation);
      const container = await this.engine(() => this.runtime.startWebapp(spec));
      this.log.info({ webapp: app.domain_name, user: owner.username, generation }, 'container started');
      return { container, generation, runDir };
    } catch (err) {
      await removeTree(runDir);
      throw err;
    }
  }

  /** Switches traffic to a container started with the saved settings. */
  private activate(app: WebappRow, started: Started): void {
    this.store.setActiveGeneration(app.id, started.generation);
    this.store.setSettingsWarning(app.id, null);
    this.observed.set(app.id, 'starting');
    this.routesChanged();
    this.watchStartup(app.id, started.generation, started.runDir);
  }

  private async startAndActivate(owner: UserRow, app: WebappRow): Promise<Started> {
    const old = await this.containersOf(app.id);
    const started = await this.startGeneration(owner, app);
    this.activate(app, started);
    await this.retire(old);
    return started;
  }

  /**
   * Starts a new container beside the old one, waits until it answers, then
   * switches traffic and retires the old one. If the new one does not answer
   * while the old one still serves, the new one is dropped (`kept`: the old
   * version keeps serving). `force` switches even then (used when nothing
   * healthy is serving anyway). Says what happened rather than throwing for
   * an app that does not start: a reload refuses, a change of settings warns.
   */
  private async replace(owner: UserRow, app: WebappRow, options: { force?: boolean } = {}): Promise<ReplaceOutcome> {
    const t0 = Date.now();
    const old = await this.containersOf(app.id);
    const oldRunDir = this.activeRunDir(app);
    const oldServes = !options.force && oldRunDir !== null && (await this.serves(oldRunDir));
    const started = await this.startGeneration(owner, app);
    const answers = await this.waitForStart(started.runDir);
    const duration = Date.now() - t0;
    if (!answers) {
      const tail = await logTail(errorLogPath(this.config.dataDir, owner.username, app.domain_name));
      const reason = await this.startFailure(started.runDir);
      this.store.recordReload(app.id, { ok: false, durationMs: duration, error: reason });
      if (oldServes) {
        await this.retire([started.container]);
        return { ok: false, kept: true, reason, logTail: tail, message: `the new server did not start: ${reason}. The previous version keeps serving.` };
      }
      this.activate(app, started);
      await this.retire(old);
      return { ok: false, kept: false, reason, logTail: tail, message: `the app did not start: ${reason}` };
    }
    this.store.setActiveGeneration(app.id, started.generation);
    this.store.setSettingsWarning(app.id, null);
    // Whether a Reload or a change of settings started it: the app serves, so a crash is over.
    this.store.setCrashed(app.id, null);
    this.onRecovered(app.id);
    this.observed.set(app.id, 'running');
    this.routesChanged();
    this.store.recordReload(app.id, { ok: true, durationMs: duration, error: null });
    await this.retire(old);
    return { ok: true };
  }

  /**
   * Whether an app's server is serving. The gateway's word first: a probe of
   * app.sock waits behind the router's kept-alive connections while the
   * router holds every worker (docs/runtime-contract.md).
   */
  private async serves(runDir: string): Promise<boolean> {
    const s = await gateway.status(runDir, 1000).catch(() => null);
    return s?.state === 'running' || (await gateway.probe(runDir, 1000));
  }

  /**
   * Waits until a new container's app answers (true), or its gateway says
   * the app failed to load (false, at once rather than at the deadline).
   */
  private async waitForStart(runDir: string): Promise<boolean> {
    const deadline = Date.now() + this.config.reloadTimeoutMs;
    while (Date.now() < deadline) {
      if (await gateway.probe(runDir, 1000)) return true;
      const s = await gateway.status(runDir, 1000).catch(() => null);
      if (s?.state === 'failed') return false;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  }

  private async startFailure(runDir: string): Promise<string> {
    const s = await gateway.status(runDir, 2000).catch(() => null);
    if (s?.lastError) return s.lastError;
    return `no answer within ${Math.round(this.config.reloadTimeoutMs / 1000)} s; see the error and server logs`;
  }

  /** Stops containers gracefully, removes them and their run directories. */
  private async retire(containers: readonly ManagedContainer[]): Promise<void> {
    await Promise.all(
      containers.map(async (c) => {
        await this.engine(() => this.runtime.stop(c.id, STOP_GRACE_SECONDS));
        await this.engine(() => this.runtime.remove(c.id));
        if (c.labels.webapp !== null && c.labels.generation !== null) {
          await removeTree(generationRunDir(this.config.dataDir, c.labels.webapp, c.labels.generation));
        }
      }),
    );
  }

  /** Polls a new container's gateway until its app runs or fails, for the status shown in the API. */
  private watchStartup(webappId: number, generation: number, runDir: string): void {
    const deadline = Date.now() + STARTUP_WATCH_MS;
    const tick = async (): Promise<void> => {
      const app = this.store.byId(webappId);
      if (!app || app.active_generation !== generation || this.observed.get(webappId) !== 'starting') return;
      const s = await gateway.status(runDir, 1000).catch(() => null);
      if (s?.state === 'running' || s?.state === 'failed') {
        this.observed.set(webappId, s.state);
        return;
      }
      if (Date.now() < deadline) setTimeout(() => void tick(), 200).unref();
    };
    void tick();
  }

  /** Maps the engine's failures to what a user can act on. */
  private async engine<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RuntimeError && err.code === 'unavailable') {
        throw new UnavailableError('the container engine is not answering; try again in a moment');
      }
      if (err instanceof RuntimeError && err.code === 'image_not_found') {
        throw new UnavailableError(`the runtime image ${this.config.runtimeImage} is missing; the administrator should run scripts/setup.sh`);
      }
      throw err;
    }
  }
}

/** The warning kept while saved settings wait for a container that starts. */
function pendingWarning(reason: string): string {
  return `these settings are saved but not serving yet: ${reason}. The previous version keeps serving; Reload applies them once that is fixed.`;
}
