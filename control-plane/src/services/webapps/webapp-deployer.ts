import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { UnavailableError } from '../../domain/errors.js';
import { generationRunDir, uidFor, webappRunDir } from '../../domain/layout.js';
import { MiB } from '../../domain/limits.js';
import { removeTree } from '../../lib/beneath.js';
import { ensureRunDir } from '../../lib/platform-dirs.js';
import { RuntimeError, gateway, type ContainerRuntime, type ManagedContainer, type ReloadResult } from '../../runtime/index.js';
import type { UserRow } from '../../store/users-store.js';
import type { WebappRow, WebappsStore } from '../../store/webapps-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import { RestartBackoff, workloadKey } from '../platform/restart-backoff.js';
import { errorLogPath, logTail } from './app-logs.js';
import type { WebappHealth } from './webapp-health.js';
import { virtualenvProblem } from './virtualenv-check.js';
import { webappWorkload } from './webapp-workload.js';

interface Started {
  readonly container: ManagedContainer;
  readonly generation: number;
  readonly runDir: string;
}

/** What came of starting a container with an app's saved settings. */
export type ReplaceOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly kept: boolean; readonly reason: string; readonly message: string; readonly logTail: string };

const STOP_GRACE_SECONDS = 10;

/**
 * Runs web apps as containers: one per enabled app, replaced side by side
 * when its settings change, reloaded in place through its gateway when its
 * code changes. The callers (WebappService, which holds each app's lock)
 * decide what should happen; this carries it out and records what came of
 * it: the columns it writes are the runtime's facts (which generation
 * serves, the last reload's outcome, whether the saved settings serve),
 * never what the user asked for.
 */
/** How often a starting app is looked at until it answers. */
const START_POLL_MS = 20;

export class WebappDeployer {
  constructor(
    private readonly config: Config,
    private readonly instance: string,
    private readonly store: WebappsStore,
    private readonly runtime: ContainerRuntime,
    private readonly health: WebappHealth,
    private readonly backoff: RestartBackoff,
    /** Each account's memory per container. */
    private readonly limits: Pick<AccountLimits, 'of'>,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Starts a container with the app's saved settings and sends its traffic there at once; the old ones go. */
  async startAndActivate(owner: UserRow, app: WebappRow): Promise<void> {
    // The engine's list goes beside the start rather than before it (a wake waits for both); the new container may
    // be in it. A list that fails leaves any old container to the reconciler, which removes what is not active.
    const listing = this.containersOf(app.id).catch(() => []);
    const started = await this.startGeneration(owner, app);
    const listed = await listing;
    this.activate(app, started);
    await this.retire(listed.filter((c) => c.id !== started.container.id));
  }

  /**
   * Starts a new container beside the old one, waits until it answers, then
   * switches traffic and retires the old one. If the new one does not answer
   * while the old one still serves, the new one is dropped (`kept`: the old
   * version keeps serving). `force` switches even then (used when nothing
   * healthy is serving anyway). Says what happened rather than throwing for
   * an app that does not start: a reload refuses, a change of settings warns.
   */
  async replace(owner: UserRow, app: WebappRow, options: { force?: boolean } = {}): Promise<ReplaceOutcome> {
    const t0 = Date.now();
    const old = await this.containersOf(app.id);
    const oldRunDir = activeRunDir(this.config.dataDir, app);
    const oldServes = !options.force && oldRunDir !== null && (await this.serves(oldRunDir));
    // A virtualenv of another Python would fail in the container with an ImportError; say why instead.
    const venv = virtualenvProblem(this.config, owner, app);
    if (venv !== null) {
      this.store.recordReload(app.id, { ok: false, durationMs: Date.now() - t0, error: venv });
      return { ok: false, kept: oldServes, reason: venv, logTail: '', message: oldServes ? `${venv}. The previous version keeps serving.` : venv };
    }
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
    this.backoff.reset(workloadKey('webapp', app.id));
    this.health.running(app.id);
    this.store.recordReload(app.id, { ok: true, durationMs: duration, error: null });
    await this.retire(old);
    return { ok: true };
  }

  /**
   * After startAndActivate: waits until the new container's app answers, or
   * its gateway says the app failed to load (then why).
   */
  async startOutcome(app: WebappRow): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
    const runDir = activeRunDir(this.config.dataDir, app);
    if (runDir === null) return { ok: false, reason: 'no container was started' };
    if (await this.waitForStart(runDir)) return { ok: true };
    return { ok: false, reason: await this.startFailure(runDir) };
  }

  /** Reloads the code in place (the gateway swaps servers); the previous version keeps serving if it fails. */
  async reloadInPlace(app: WebappRow): Promise<ReloadResult> {
    const started = Date.now();
    const result = await gateway.reload(activeRunDir(this.config.dataDir, app)!, this.config.reloadTimeoutMs + 5000);
    this.store.recordReload(app.id, { ok: result.ok, durationMs: Date.now() - started, error: result.ok ? null : result.error });
    if (result.ok) {
      this.health.running(app.id);
      this.backoff.reset(workloadKey('webapp', app.id));
    }
    return result;
  }

  /** The active container when its gateway answers at all (nothing to reload in place otherwise). */
  async answeringContainer(app: WebappRow): Promise<ManagedContainer | null> {
    const runDir = activeRunDir(this.config.dataDir, app);
    const live = (await this.containersOf(app.id)).find((c) => c.labels.generation === app.active_generation && c.state === 'running');
    if (runDir === null || live === undefined) return null;
    return (await gateway.status(runDir).then(() => true, () => false)) ? live : null;
  }

  /** Whether a container has the memory the owner's containers get now (an admin may have changed it since it started). */
  hasCurrentMemory(owner: UserRow, container: ManagedContainer): boolean {
    return container.memoryBytes === null || container.memoryBytes === this.limits.of(owner).memory_mb * MiB;
  }

  /** Whether the active generation's container runs. */
  async activeIsRunning(app: WebappRow): Promise<boolean> {
    return (await this.containersOf(app.id)).some((c) => c.labels.generation === app.active_generation && c.state === 'running');
  }

  /** Stops and removes every container of the app, and (with `everything`) its run folders. */
  async stopAll(app: WebappRow, options: { everything?: boolean } = {}): Promise<void> {
    await this.retire(await this.containersOf(app.id));
    this.health.forget(app.id);
    if (options.everything) await removeTree(webappRunDir(this.config.dataDir, app.id));
  }

  /**
   * Removes a container the reconciler found unwanted, after looking again
   * (call under the app's lock: an operation may have made it the active
   * one since the reconciler looked).
   */
  async removeIfUnwanted(app: WebappRow | undefined, c: ManagedContainer): Promise<void> {
    const fresh = await this.engine(() => this.runtime.inspect(c.id));
    if (!fresh) return;
    const wanted = app && app.enabled && app.sleeping_since === null && fresh.labels.generation === app.active_generation && fresh.state === 'running';
    if (!wanted) await this.retire([fresh]);
  }

  async containersOf(webappId: number): Promise<ManagedContainer[]> {
    const all = await this.engine(() => this.runtime.list(this.instance));
    return all.filter((c) => c.labels.kind === 'webapp' && c.labels.workload === webappId);
  }

  private async startGeneration(owner: UserRow, app: WebappRow): Promise<Started> {
    const generation = this.store.allocateGeneration(app.id);
    const runDir = generationRunDir(this.config.dataDir, app.id, generation);
    ensureRunDir(webappRunDir(this.config.dataDir, app.id), runDir, uidFor(this.config.uidBase, owner.id), this.config.ingressUid);
    try {
      const memoryMb = this.limits.of(owner).memory_mb;
      const spec = webappWorkload(this.config, this.instance, owner, app, generation, memoryMb);
      const container = await this.engine(() => this.runtime.start(spec), spec.image);
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
    this.health.starting(app.id, started.generation, started.runDir);
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
      // The gateway's word first (as in serves()): it says running once the app loaded and app.sock is its
      // server's, while a probe of app.sock would wait behind the router's kept-alive connections.
      const s = await gateway.status(runDir, 1000).catch(() => null);
      if (s?.state === 'running') return true;
      if (s?.state === 'failed') return false;
      if (await gateway.probe(runDir, 1000)) return true;
      // Short: a woken app's wake slot is held until this returns, and a look costs a connect that fails at once.
      await new Promise((resolve) => setTimeout(resolve, START_POLL_MS));
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
        if (c.labels.workload !== null && c.labels.generation !== null) {
          await removeTree(generationRunDir(this.config.dataDir, c.labels.workload, c.labels.generation));
        }
      }),
    );
  }

  /** Maps the engine's failures to what a user can act on; `image`: the one a start needs. */
  private async engine<T>(work: () => Promise<T>, image = this.config.runtimeImage): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof RuntimeError && err.code === 'unavailable') {
        throw new UnavailableError('the container engine is not answering; try again in a moment');
      }
      if (err instanceof RuntimeError && err.code === 'image_not_found') {
        throw new UnavailableError(`the runtime image ${image} is missing; the administrator should run scripts/setup.sh`);
      }
      throw err;
    }
  }
}

/** The run directory whose app.sock serves the app now, or null when none does. */
export function activeRunDir(dataDir: string, app: WebappRow): string | null {
  return app.active_generation > 0 ? generationRunDir(dataDir, app.id, app.active_generation) : null;
}
