import type { FastifyBaseLogger } from 'fastify';
import { ConflictError } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { DisabledReason, UserRow } from '../../store/users-store.js';
import type { Stores } from '../../store/stores.js';
import type { ConsoleService } from '../consoles/console-service.js';
import type { Reconciler } from '../platform/reconciler.js';
import type { WebappService } from '../webapps/webapp-service.js';
import { accountNamed, assertNotSelfOrLastAdmin } from './account-rules.js';
import type { AdminUser, AdminView } from './admin-view.js';
import type { AuthService } from './auth-service.js';
import type { LiveConnections } from './live-connections.js';

/** How often accounts past their expiry date are looked for. */
const SWEEP_INTERVAL_MS = 60_000;

const ENDED_BECAUSE: Record<DisabledReason, string> = {
  admin: 'this account was disabled by an administrator',
  expired: 'this account has expired',
  deleting: 'this account was deleted',
};

export interface AccountStateDeps {
  readonly stores: Stores;
  readonly auth: AuthService;
  readonly live: LiveConnections;
  readonly webapps: WebappService;
  readonly consoles: ConsoleService;
  readonly reconciler: Reconciler;
  readonly view: AdminView;
  readonly log: FastifyBaseLogger;
  readonly now: () => number;
}

/**
 * Disabling and enabling accounts, by an admin or (workshop accounts past
 * their date) by the expiry sweep. A disabled account cannot log in, its
 * sessions, tokens and everything open on its things end at once, its web
 * apps and consoles stop (its sites answer the router's "disabled" page),
 * and its files stay.
 */
export class AccountState {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<string[]> | null = null;

  constructor(private readonly deps: AccountStateDeps) {}

  async disable(actor: Principal, username: string): Promise<AdminUser> {
    const { stores, log, view } = this.deps;
    const user = accountNamed(stores.users, username);
    if (user.disabled_reason === 'deleting') throw new ConflictError(`"${username}" is being deleted: delete it again to finish`);
    assertNotSelfOrLastAdmin(stores.users, actor, user, 'disable');
    if (user.disabled_at === null) {
      await this.shutOff(user, 'admin');
      log.info({ admin: actor.username, user: username }, 'account disabled');
    }
    return view.of(user.id);
  }

  /** Enables the account and starts its enabled web apps. An expiry date already past is removed (it would disable the account again at once). */
  async enable(actor: Principal, username: string): Promise<AdminUser> {
    const { stores, webapps, log, view } = this.deps;
    const user = accountNamed(stores.users, username);
    if (user.disabled_reason === 'deleting') throw new ConflictError(`"${username}" is being deleted: delete it again to finish`);
    if (user.disabled_at !== null) {
      const expired = user.expires_at !== null && user.expires_at <= this.nowIso();
      if (expired) stores.users.update(user.id, { expiresAt: null });
      stores.users.setDisabled(user.id, null);
      const failed = await webapps.startForAccount(stores.users.byId(user.id)!);
      log.info({ admin: actor.username, user: username, expiry_removed: expired, not_started: failed }, 'account enabled');
    }
    return view.of(user.id);
  }

  /**
   * Disables `user` (why: `reason`) and ends everything of theirs that
   * runs or is open: sessions, tokens, console sockets and log streams
   * (theirs, and a teacher's or admin's on their things), consoles, web
   * app containers. The row says "disabled" before anything stops, so
   * that nothing starts again meanwhile.
   */
  async shutOff(user: UserRow, reason: DisabledReason): Promise<void> {
    const { stores, auth, live, webapps, consoles, reconciler } = this.deps;
    if (user.disabled_reason !== reason) stores.users.setDisabled(user.id, reason);
    const why = ENDED_BECAUSE[reason];
    auth.revokeCredentials(user.id, why);
    live.endUser(user.id, why);
    await consoles.endAll(user, why);
    await webapps.stopForAccount(user);
    // A pass removes what the services above do not stop themselves (task
    // containers, anything that was starting meanwhile); awaited, so that a
    // deletion packs or erases the files only once nothing of theirs runs.
    await reconciler.trigger();
  }

  /** Disables every enabled account whose expiry date has passed (never the last admin); returns their names. */
  sweepExpired(): Promise<string[]> {
    this.sweeping ??= this.sweep().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  start(): void {
    this.timer = setInterval(() => void this.sweepExpired(), SWEEP_INTERVAL_MS);
    this.timer.unref();
    void this.sweepExpired();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async sweep(): Promise<string[]> {
    const { stores, log } = this.deps;
    const done: string[] = [];
    for (const user of stores.users.expiredBy(this.nowIso())) {
      if (user.is_admin === 1 && stores.users.activeAdminCount() <= 1) {
        log.warn({ user: user.username }, 'the last administrator is past its expiry date; it stays enabled');
        continue;
      }
      try {
        await this.shutOff(user, 'expired');
        done.push(user.username);
        log.info({ user: user.username, expires_at: user.expires_at }, 'account expired: disabled');
      } catch (err) {
        log.error({ err, user: user.username }, 'could not disable an expired account; trying again at the next sweep');
      }
    }
    return done;
  }

  private nowIso(): string {
    return new Date(this.deps.now()).toISOString();
  }
}
