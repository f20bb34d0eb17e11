import fsp from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { removeTree } from '../../lib/beneath.js';
import type { Config } from '../../config.js';
import { uidFor } from '../../domain/layout.js';
import { plan, type ActualContainer, type DesiredWebapp } from '../../domain/reconcile-plan.js';
import type { ContainerRuntime, ManagedContainer } from '../../runtime/index.js';
import type { UsersStore } from '../../store/users-store.js';
import type { WebappRow, WebappsStore } from '../../store/webapps-store.js';
import { appendErrorLog, errorLogPath, logTail } from '../webapps/app-logs.js';
import type { DockerLifecycle } from '../webapps/docker-lifecycle.js';

/** Restarts in a row before an app is left crashed until its next reload. */
export const MAX_RESTARTS = 5;
const BASE_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
/** A container that ran this long was not crash-looping: its backoff starts over. */
const HEALTHY_AFTER_MS = 30_000;
const SAFETY_NET_INTERVAL_MS = 30_000;

/** The console side of a pass (services/console-service.ts); kept apart so web-app rules never see consoles. */
export interface ConsoleReconcile {
  reconcile(containers: ManagedContainer[]): Promise<void>;
}

interface Backoff {
  restarts: number;
  notBefore: number;
}

/** Delay before restart number `n` (1-based): 1 s, 2 s, 4 s… capped at a minute. */
export function backoffDelay(n: number): number {
  return Math.min(BASE_BACKOFF_MS * 2 ** Math.max(0, n - 1), MAX_BACKOFF_MS);
}

// The line the gateway writes last before it exits after a crash loop
// (docs/runtime-contract.md, "Exit statuses"), after the log's timestamp.
const GATEWAY_GAVE_UP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: restart failed: (.+)$/;
const GATEWAY_ADVICE = /\.?\s*Fix the cause, then Reload\.\s*$/;
/** The app's own stderr shares the log: a line that merely looks like the gateway's is kept short. */
const MAX_GATEWAY_CHARS = 400;

/**
 * Why an app whose gateway ended a crash loop is crashed, for the Web tab:
 * the gateway's own words from the end of the error log when they are there
 * (the router may have appended after them), and where to look.
 */
export function crashLoopReason(domain: string, errorLogTail: string): string {
  const said = errorLogTail
    .split('\n')
    .reverse()
    .map((line) => GATEWAY_GAVE_UP.exec(line.trimEnd())?.[1])
    .find((s) => s !== undefined)
    ?.replace(GATEWAY_ADVICE, '')
    .slice(0, MAX_GATEWAY_CHARS);
  const what = said ? `: ${said}` : '; Pyhost stopped restarting it';
  return `the app's server kept dying soon after it started${what}. See /var/log/${domain}.error.log for why; fix the cause, then Reload.`;
}

/**
 * Converges this instance's containers to the database: at start-up, on
 * every Docker event about them, and every 30 s as a safety net. The
 * decisions are domain/reconcile-plan.ts; this class gathers the inputs and
 * carries the actions out. It never touches containers without this
 * instance's labels (the runtime lists only those).
 */
export class Reconciler {
  private readonly backoff = new Map<number, Backoff>();
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private unwatch: (() => void) | null = null;
  /** Set when consoles run on the same engine: each pass hands it this instance's console containers. */
  consoles: ConsoleReconcile | null = null;

  constructor(
    private readonly config: Config,
    private readonly instance: string,
    private readonly store: WebappsStore,
    private readonly users: UsersStore,
    private readonly runtime: ContainerRuntime,
    private readonly lifecycle: DockerLifecycle,
    private readonly log: FastifyBaseLogger,
  ) {
    lifecycle.onRecovered = (id) => this.backoff.delete(id);
  }

  start(): void {
    this.unwatch = this.runtime.watch(
      this.instance,
      (event) => {
        if (event.labels.kind === 'console' && ['die', 'destroy'].includes(event.action)) this.trigger();
        if (event.labels.kind !== 'webapp' || event.labels.webapp === null) return;
        if (['die', 'destroy', 'oom', 'kill'].includes(event.action)) {
          if (event.labels.generation !== null) this.lifecycle.noteDown(event.labels.webapp, event.labels.generation);
          this.trigger();
        }
      },
      { onError: (err) => this.log.warn({ err }, 'docker event stream interrupted; reconnecting') },
    );
    this.timer = setInterval(() => this.trigger(), SAFETY_NET_INTERVAL_MS);
    this.timer.unref();
    this.trigger();
  }

  stop(): void {
    this.unwatch?.();
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  /** Runs a pass now, or right after the one in progress. Resolves when the state has converged once. */
  trigger(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.log.error({ err }, 'reconcile pass failed');
        }
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    const apps = this.store.all();
    const all = await this.runtime.list(this.instance);
    // Only web-app containers below: consoles (and later tasks) have their own rules.
    const containers = all.filter((c) => c.labels.kind === 'webapp' && c.labels.webapp !== null);
    const desired: DesiredWebapp[] = apps.map((a) => ({
      id: a.id,
      enabled: a.enabled === 1,
      activeGeneration: a.active_generation,
      crashed: a.crashed_reason !== null,
    }));
    const actual: ActualContainer[] = containers.map((c) => ({
      id: c.id,
      webappId: c.labels.webapp!,
      generation: c.labels.generation ?? -1,
      running: c.state === 'running' || c.state === 'restarting',
      exitCode: c.exitCode,
    }));
    const byId = new Map(containers.map((c) => [c.id, c]));
    const actions = plan(desired, actual, this.lifecycle.locks.busyKeys());
    this.forgetHealthy(containers);

    // Before the removals: the app reads as crashed from the moment its container is gone.
    for (const action of actions) {
      if (action.kind === 'mark-crashed') await this.markCrashLoop(action.webappId, action.generation);
    }
    for (const action of actions.filter((a) => a.kind === 'remove')) {
      this.log.info({ container: action.containerId, webappId: action.webappId, reason: action.reason }, 'removing container');
      await this.lifecycle.removeIfUnwanted(byId.get(action.containerId)!);
    }
    for (const action of actions) {
      if (action.kind !== 'start') continue;
      await this.restartWithBackoff(action.webappId, containers);
    }
    await this.sweepRunDirs(apps, containers);
    // Running containers whose state this process has not seen yet (after a restart of the api).
    for (const app of apps) {
      if (app.enabled && actual.some((c) => c.webappId === app.id && c.generation === app.active_generation && c.running)) {
        await this.lifecycle.adopt(app);
      }
    }
    if (this.consoles) {
      await this.consoles.reconcile(all.filter((c) => c.labels.kind === 'console')).catch((err: unknown) => {
        this.log.error({ err }, 'reconciling console containers failed');
      });
    }
  }

  /**
   * The gateway of the app's active container restarted its server until it
   * gave up and exited (EXIT_CRASH_LOOP): the app is crashed until the next
   * reload. Starting the container again would only repeat the loop.
   */
  private async markCrashLoop(webappId: number, generation: number): Promise<void> {
    await this.lifecycle.locks.run(webappId, async () => {
      const app = this.store.byId(webappId);
      // A reload or a change of settings may have replaced that container since the plan was made.
      if (!app || !app.enabled || app.crashed_reason !== null || app.active_generation !== generation) return;
      const owner = this.users.byId(app.user_id);
      // The gateway wrote its reason to the error log before it exited; read through the safe helper (the folder is the user's).
      const tail = owner ? await logTail(errorLogPath(this.config.dataDir, owner.username, app.domain_name)).catch(() => '') : '';
      this.store.setCrashed(webappId, crashLoopReason(app.domain_name, tail));
      this.backoff.delete(webappId);
      this.log.warn({ webapp: app.domain_name, generation }, 'crash loop: the gateway stopped restarting the server');
    });
  }

  private async restartWithBackoff(webappId: number, containers: ManagedContainer[]): Promise<void> {
    const entry = this.backoff.get(webappId) ?? { restarts: 0, notBefore: 0 };
    const now = Date.now();
    if (now < entry.notBefore) {
      this.scheduleRetry(entry.notBefore - now);
      return;
    }
    const app = this.store.byId(webappId);
    if (!app) return;
    if (entry.restarts >= MAX_RESTARTS) {
      const last = containers.find((c) => c.labels.webapp === webappId && c.labels.generation === app.active_generation);
      const reason = `the app's server stopped ${MAX_RESTARTS + 1} times in a row${last?.exitCode != null ? ` (last exit code ${last.exitCode})` : ''}; Pyhost stopped restarting it. Fix the cause, then Reload.`;
      // The log line first: whoever sees the state "crashed" can then read why.
      const owner = this.users.byId(app.user_id);
      if (owner) {
        const logOwner = process.getuid?.() === 0 ? { uid: uidFor(this.config.uidBase, owner.id), gid: this.config.ingressUid } : null;
        await appendErrorLog(errorLogPath(this.config.dataDir, owner.username, app.domain_name), reason, logOwner).catch(() => undefined);
      }
      this.store.setCrashed(webappId, reason);
      this.backoff.delete(webappId);
      this.log.warn({ webapp: app.domain_name }, 'crash loop: gave up restarting');
      return;
    }
    entry.restarts += 1;
    entry.notBefore = now + backoffDelay(entry.restarts);
    this.backoff.set(webappId, entry);
    this.log.info({ webapp: app.domain_name, attempt: entry.restarts }, 'restarting web app');
    try {
      await this.lifecycle.restart(webappId);
    } catch (err) {
      this.log.error({ err, webapp: app.domain_name }, 'restart failed');
    }
  }

  /**
   * Removes run directories that no container uses: left when the api died
   * between making one and starting its container, or for deleted apps.
   */
  private async sweepRunDirs(apps: WebappRow[], containers: ManagedContainer[]): Promise<void> {
    const root = path.join(this.config.dataDir, 'run');
    const entries = await fsp.readdir(root).catch(() => [] as string[]);
    for (const name of entries) {
      const id = Number(name);
      const known = apps.find((a) => a.id === id);
      const seen = containers.filter((c) => c.labels.webapp === id).map((c) => `g${c.labels.generation}`);
      const dirs = known ? await fsp.readdir(path.join(root, name)).catch(() => [] as string[]) : [];
      const looksStray = known ? dirs.some((d) => d !== `g${known.active_generation}` && !seen.includes(d)) : seen.length === 0;
      if (!looksStray) continue;
      // Check again under the app's lock: an operation may be making a new generation right now.
      await this.lifecycle.locks.runIfIdle(id, async () => {
        const app = this.store.byId(id);
        const live = (await this.lifecycle.containersOf(id)).map((c) => `g${c.labels.generation}`);
        if (!app) {
          if (live.length === 0) await removeTree(path.join(root, name));
          return;
        }
        const keep = new Set([`g${app.active_generation}`, ...live]);
        for (const dir of await fsp.readdir(path.join(root, name)).catch(() => [] as string[])) {
          if (!keep.has(dir)) await removeTree(path.join(root, name, dir));
        }
      });
    }
  }

  private forgetHealthy(containers: ManagedContainer[]): void {
    for (const c of containers) {
      if (c.state !== 'running' || !c.startedAt || c.labels.webapp === null) continue;
      if (Date.now() - Date.parse(c.startedAt) > HEALTHY_AFTER_MS) this.backoff.delete(c.labels.webapp);
    }
  }

  private scheduleRetry(delayMs: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.trigger();
    }, delayMs + 50);
    this.retryTimer.unref();
  }
}
