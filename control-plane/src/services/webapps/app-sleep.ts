import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { uidFor } from '../../domain/layout.js';
import { isIdle, sleepAfterSeconds, wakeIsForThisSleep } from '../../domain/sleep-rules.js';
import type { KeyedLock } from '../../lib/keyed-lock.js';
import { nowIso } from '../../store/database.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { WebappRow, WebappsStore } from '../../store/webapps-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import { appendAppLog, serverLogPath } from './app-logs.js';
import type { WebappDeployer } from './webapp-deployer.js';
import type { WebappHealth } from './webapp-health.js';

/** How often idle apps are looked for: one sweep over the awake ones, not a timer per app. */
const SWEEP_MS = 1000;
/** An app that had a request this recently is not put to sleep to make room for another's wake (that would only swap which one waits). */
const MIN_IDLE_TO_MAKE_ROOM_MS = 5000;

export interface AppSleepDeps {
  readonly config: Config;
  readonly store: WebappsStore;
  readonly users: UsersStore;
  readonly limits: Pick<AccountLimits, 'of'>;
  readonly deployer: WebappDeployer;
  readonly health: WebappHealth;
  readonly locks: KeyedLock;
  /** When the router last had a request for the app (services/platform/router-activity.ts). */
  lastRequest(webappId: number): number | undefined;
  readonly log: FastifyBaseLogger;
}

/**
 * Sleeping web apps (docs/sleeping-apps.md). An app with no request for
 * its account's sleep_after_seconds is put to sleep: its row says since
 * when, its containers are stopped and removed (all of its memory comes
 * back), and the reconciler starts none while it sleeps. The router holds
 * the next request and asks for a wake; wakes run at most
 * PYHOST_WAKE_CONCURRENCY at once, first asked first woken, each taking its
 * slot until the app answers, because starting more at once only makes all
 * of them slower.
 */
export class AppSleep {
  /** When this api started: an app it has not seen a request for is idle from then (a restart wakes nothing and puts nothing to sleep early). */
  private readonly since = Date.now();
  private readonly queue: { id: number; askedMs: number }[] = [];
  private readonly queued = new Set<number>();
  private waking = 0;
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private stopped = false;

  constructor(private readonly deps: AppSleepDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Wakes being carried out now, and waiting for a slot (tests, the bench). */
  get pending(): { readonly waking: number; readonly queued: number } {
    return { waking: this.waking, queued: this.queue.length };
  }

  /** The router holds a request for a sleeping app (asked at askedMs): wake it, in turn. */
  requestWake(webappId: number, askedMs: number): void {
    if (this.stopped || this.queued.has(webappId)) return;
    const app = this.deps.store.byId(webappId);
    if (!app || app.sleeping_since === null || !wakeIsForThisSleep(askedMs, app.sleeping_since)) return;
    this.queued.add(webappId);
    this.queue.push({ id: webappId, askedMs });
    this.pump();
  }

  /** Puts to sleep every awake app idle for its time. Never throws. */
  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = true;
    try {
      const owners = new Map<number, UserRow>();
      for (const app of this.deps.store.mightSleep()) {
        let owner = owners.get(app.user_id);
        if (owner === undefined) {
          owner = this.deps.users.byId(app.user_id);
          if (owner === undefined) continue;
          owners.set(owner.id, owner);
        }
        if (owner.disabled_at !== null) continue;
        const sleepAfter = sleepAfterSeconds(app, this.deps.limits.of(owner));
        if (isIdle(this.lastActive(app), sleepAfter, now)) {
          await this.sleep(app.id, owner, sleepAfter * 1000, `asleep after ${describeSeconds(sleepAfter)} without a request; its next request wakes it`);
        }
      }
      // Wakes in quick succession may have gone past the cap: back under it as their apps fall idle.
      this.makeRoom(null);
    } catch (err) {
      this.deps.log.error({ err }, 'looking for idle web apps failed');
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Its last request, wake, start, reload or change (creating, enabling and
   * a PATCH touch updated_at), or this api's start; never while its server
   * is still starting.
   */
  private lastActive(app: WebappRow): number {
    if (this.deps.health.isStarting(app.id)) return Number.POSITIVE_INFINITY;
    const reloaded = app.last_reload_at ? Date.parse(app.last_reload_at) : 0;
    return Math.max(
      this.since, this.deps.lastRequest(app.id) ?? 0, this.deps.health.lastChange(app.id), reloaded, Date.parse(app.updated_at),
    );
  }

  /**
   * Under the app's lock, and only if nothing holds it (a reload, a start):
   * asleep from now, its containers gone, if it has had no request for
   * idleMs. Never throws.
   */
  private async sleep(id: number, owner: UserRow, idleMs: number, why: string): Promise<void> {
    const { store, deployer, health, locks, log } = this.deps;
    await locks.runIfIdle(id, async () => {
      const app = store.byId(id);
      if (!app || !app.enabled || app.sleeping_since !== null || app.crashed_reason !== null || app.keep_awake === 1) return;
      if (Date.now() - this.lastActive(app) < idleMs) return; // a request came while the sweep went on
      // The route says asleep first: a request from now on is held for a wake rather than sent to a server being stopped.
      store.setSleeping(id, nowIso());
      await deployer.stopAll(app);
      health.forget(id);
      log.info({ webapp: app.domain_name, why }, 'web app asleep');
      await this.note(owner, app, why);
    }).catch((err: unknown) => log.error({ err, webapp: id }, 'putting a web app to sleep failed'));
  }

  /**
   * With PYHOST_MAX_AWAKE_WEBAPPS set, a wake that would pass it first puts
   * to sleep the apps idle longest (of those that may sleep at all), so that
   * a crawler walking every app keeps about that many running. Their stops
   * go on beside the wake rather than before it. An app with a request in
   * the last MIN_IDLE_TO_MAKE_ROOM_MS is never put to sleep for another: the
   * wake then goes past the cap, and says so; the sweep brings the apps
   * awake back under it (wakingId null) as they fall idle.
   */
  private makeRoom(wakingId: number | null): void {
    const { config, store, users, limits, log } = this.deps;
    const max = config.maxAwakeWebapps;
    const over = max > 0 ? store.awakeCount() + (wakingId === null ? 0 : 1) - max : 0;
    if (over <= 0) return;
    const now = Date.now();
    const candidates = store
      .mightSleep()
      .filter((a) => a.id !== wakingId)
      .map((app) => ({ app, owner: users.byId(app.user_id), at: this.lastActive(app) }))
      .filter((c) => c.owner !== undefined && c.owner.disabled_at === null && sleepAfterSeconds(c.app, limits.of(c.owner)) > 0 && now - c.at >= MIN_IDLE_TO_MAKE_ROOM_MS)
      .sort((x, y) => x.at - y.at)
      .slice(0, over);
    for (const c of candidates) {
      const forWhat = wakingId === null ? 'to bring the apps awake back under' : "to make room for another app's wake within";
      const why = `asleep after ${describeSeconds(Math.round((now - c.at) / 1000))} without a request, ${forWhat} this instance's cap (${max} web apps awake at most); its next request wakes it`;
      void this.sleep(c.app.id, c.owner!, MIN_IDLE_TO_MAKE_ROOM_MS, why);
    }
    if (candidates.length < over && wakingId !== null) log.warn({ webapp: wakingId, max }, 'waking a web app past PYHOST_MAX_AWAKE_WEBAPPS: every other awake app had a request in the last seconds');
  }

  private pump(): void {
    while (!this.stopped && this.waking < this.deps.config.wakeConcurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.waking++;
      void this.wake(next.id, next.askedMs).finally(() => {
        this.waking--;
        this.queued.delete(next.id);
        this.pump();
      });
    }
  }

  private async wake(id: number, askedMs: number): Promise<void> {
    const { store, users, deployer, locks, log } = this.deps;
    await locks.run(id, async () => {
      const app = store.byId(id);
      const owner = app && users.byId(app.user_id);
      if (!app || !owner || app.sleeping_since === null || !app.enabled || owner.disabled_at !== null) return;
      const pickedMs = Date.now();
      const asleepMs = pickedMs - Date.parse(app.sleeping_since);
      this.makeRoom(id);
      store.setSleeping(id, null);
      try {
        await deployer.startAndActivate(owner, store.byId(id)!);
      } catch (err) {
        // The engine did not start it: the reconciler's next pass tries, as for any app without its container.
        log.error({ err, webapp: app.domain_name }, 'waking a web app failed');
        return;
      }
      const startedMs = Date.now();
      const outcome = await deployer.startOutcome(store.byId(id)!);
      const answeredMs = Date.now();
      const tookMs = answeredMs - askedMs;
      if (outcome.ok) {
        // The three parts say where a slow wake went: the queue (other wakes first), the engine, or the app's own start.
        const parts = { turnMs: pickedMs - askedMs, containerMs: startedMs - pickedMs, serverMs: answeredMs - startedMs };
        log.info({ webapp: app.domain_name, wakeMs: tookMs, ...parts }, 'web app awake');
        await this.note(
          owner,
          app,
          `awake again after ${describeSeconds(Math.round(asleepMs / 1000))} asleep: a request woke it, and it answered ${tookMs} ms after that request came ` +
            `(${parts.turnMs} ms until its turn, ${parts.containerMs} ms to start its container, ${parts.serverMs} ms more until its server answered)`,
        );
        return;
      }
      // Broken since it last ran: nothing serves until its owner fixes it and reloads, as after a crash.
      const reason = `it woke from sleep for a request, but its server did not start: ${outcome.reason}. See /var/log/${app.domain_name}.error.log for why; fix the cause, then Reload.`;
      await deployer.stopAll(store.byId(id)!);
      store.setCrashed(id, reason);
      log.warn({ webapp: app.domain_name, reason: outcome.reason }, 'a woken web app did not start');
      await this.note(owner, app, `did not wake: its server did not start (${outcome.reason})`);
    }).catch((err: unknown) => log.error({ err, webapp: id }, 'waking a web app failed'));
  }

  /** A line in the app's server log, where its owner sees its starts and reloads. */
  private async note(owner: UserRow, app: WebappRow, message: string): Promise<void> {
    const { config } = this.deps;
    const logOwner = process.getuid?.() === 0 ? { uid: uidFor(config.uidBase, owner.id), gid: config.ingressUid } : null;
    await appendAppLog(serverLogPath(config.dataDir, owner.username, app.domain_name), message, logOwner).catch(() => undefined);
  }
}

function describeSeconds(s: number): string {
  if (s % 3600 === 0 && s >= 3600) return `${s / 3600} h`;
  if (s % 60 === 0 && s >= 60) return `${s / 60} min`;
  return `${s} s`;
}
