import type { Config } from '../../config.js';
import { ConflictError, DomainError, NotFoundError, ReloadFailedError } from '../../domain/errors.js';
import { CONTAINER_SETTINGS, checkDomain, parsePythonVersion } from '../../domain/webapp-rules.js';
import type { WebappStatus } from '../../domain/webapp-status.js';
import { overLimit } from '../../domain/limits.js';
import { sleepAfterSeconds } from '../../domain/sleep-rules.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import type { WebappCreate, WebappPatch } from '../../schemas/webapps.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import type { CustomDomains } from '../domains/custom-domains.js';
import type { WebappRow, WebappsStore } from '../../store/webapps-store.js';
import type { WebappDeployer } from './webapp-deployer.js';
import type { WebappFiles } from './webapp-files.js';
import type { WebappHealth } from './webapp-health.js';
import type { WebappSettings } from './webapp-settings.js';
import { virtualenvProblem } from './virtualenv-check.js';

export interface WebappServiceDeps {
  readonly config: Config;
  readonly store: WebappsStore;
  readonly users: UsersStore;
  readonly settings: WebappSettings;
  readonly files: WebappFiles;
  readonly deployer: WebappDeployer;
  readonly health: WebappHealth;
  /** One operation at a time per web app (the reconciler takes the same lock). */
  readonly locks: KeyedLock;
  /** What each account may have (its `webapps` limit). */
  readonly limits: Pick<AccountLimits, 'of'>;
  /** Custom domains: allowed, within the account's limit, checked in DNS (docs/https.md). */
  readonly domains?: Pick<CustomDomains, 'checkClaim' | 'claimed' | 'released'>;
}

/**
 * Web apps, one method per use case: each validates, writes the store and
 * runs the containers it needs, under the app's lock. The router's route
 * table follows the store by itself (triggers move routes_version).
 */
export class WebappService {
  private readonly store: WebappsStore;
  /**
   * One create at a time per owner (keyed by user id), from the count
   * against the `webapps` limit to the new row: two at once when one more
   * is allowed make exactly one.
   */
  private readonly creating = new KeyedLock();

  constructor(private readonly deps: WebappServiceDeps) {
    this.store = deps.store;
  }

  list(owner: UserRow): WebappRow[] {
    return this.store.forUser(owner.id);
  }

  /** The owner's web app at `domain`; anyone else's is as absent as one that does not exist. */
  get(owner: UserRow, domain: string): WebappRow {
    const app = this.store.byDomain(domain.toLowerCase().replace(/\.$/, ''));
    if (!app || app.user_id !== owner.id) throw new NotFoundError(`no web app ${domain}`);
    return app;
  }

  /** What the API shows of the app's container, and when it sleeps when idle (docs/sleeping-apps.md). */
  status(app: WebappRow): WebappStatus & { sleep_after_seconds: number } {
    const owner = this.deps.users.byId(app.user_id);
    return { ...this.deps.health.status(app), sleep_after_seconds: owner ? sleepAfterSeconds(app, this.deps.limits.of(owner)) : 0 };
  }

  /**
   * Creates a web app with its WSGI file (PythonAnywhere's hello world, or
   * one for the user's Django project or Flask file) and its three logs,
   * and starts its first container with its final settings.
   */
  async create(owner: UserRow, input: WebappCreate): Promise<WebappRow> {
    const { config } = this.deps;
    const domain = checkDomain(input.domain_name ?? `${owner.username}.${config.domain}`, owner.username, config.domain);
    const python = parsePythonVersion(input.python_version ?? '3.11');
    const app = await this.creating.run(owner.id, async () => {
      // Before anything is written: a refusal leaves no file, row or container.
      const limits = this.deps.limits.of(owner);
      const count = this.store.forUser(owner.id).length;
      if (count >= limits.webapps) throw overLimit('webapps', limits, count > 0 ? 'delete one first' : undefined);
      this.deps.domains?.checkClaim(owner, domain);
      const site = await this.writeSite(owner, domain, python, input);
      this.deps.domains?.claimed(owner, domain);
      return site;
    });
    await this.deps.locks.run(app.id, () => this.deps.deployer.startAndActivate(owner, app));
    return this.store.byId(app.id)!;
  }

  /** The new app's WSGI file, logs and row (call under the owner's create lock). */
  private async writeSite(owner: UserRow, domain: string, python: string, input: WebappCreate): Promise<WebappRow> {
    const { settings, files } = this.deps;
    if (this.store.byDomain(domain)) throw new ConflictError(`the domain ${domain} is already in use`);
    const site = await files.prepare(owner, domain, input);
    const codeDir = site.codeDir === null ? `/home/${owner.username}` : settings.directory(owner, site.codeDir, input.framework === 'flask' ? 'flask_file' : 'django_project');
    await site.write();
    await files.createLogs(owner, domain);
    try {
      return this.store.insert({ user_id: owner.id, domain_name: domain, python_version: python, source_directory: codeDir, working_directory: codeDir });
    } catch (err) {
      // UNIQUE: another web app has it; TRIGGER: a website has it (migration 8).
      if (['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_TRIGGER'].includes(String((err as { code?: string }).code))) throw new ConflictError(`the domain ${domain} is already in use`);
      throw err;
    }
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
  async update(owner: UserRow, before: WebappRow, patch: WebappPatch): Promise<WebappRow> {
    const changes = await this.deps.settings.changesFor(owner, before, patch);
    if (patch.keep_awake !== undefined) changes.keep_awake = patch.keep_awake ? 1 : 0;
    const apply = () => this.deps.locks.run(before.id, async () => {
      const needsNewContainer = CONTAINER_SETTINGS.some((k) => k in changes && changes[k] !== before[k]);
      const after = this.store.update(before.id, changes);
      if (!after.enabled || this.deps.users.byId(owner.id)?.disabled_at != null) return after;
      if (after.sleeping_since !== null) {
        // Asleep: the saved settings are what its wake starts with. Kept awake from now on, it wakes now.
        if (after.keep_awake !== 1) return after;
        this.store.setSleeping(after.id, null);
        await this.deps.deployer.startAndActivate(owner, this.store.byId(after.id)!);
        return this.store.byId(after.id)!;
      }
      if (!needsNewContainer) return after;
      try {
        const outcome = await this.deps.deployer.replace(owner, after);
        if (!outcome.ok) {
          const warning = outcome.kept ? pendingWarning(outcome.reason) : `the app did not start with these settings: ${outcome.reason}. Fix that, then Reload.`;
          this.store.setSettingsWarning(after.id, warning);
        }
      } catch (err) {
        // The engine did not answer (or worse): the settings stay saved for the next Reload.
        this.store.setSettingsWarning(after.id, pendingWarning((err as Error).message));
        if (!(err instanceof DomainError)) throw err;
      }
      return this.store.byId(before.id)!;
    });
    if (changes.keep_awake !== 1 || before.keep_awake === 1) return apply();
    // Counted and set under the owner's lock: two at once when one more is allowed keep exactly one awake.
    return this.creating.run(owner.id, () => {
      const limits = this.deps.limits.of(owner);
      const awake = this.store.forUser(owner.id).filter((a) => a.keep_awake === 1).length;
      if (awake >= limits.awake_webapps) throw overLimit('awake_webapps', limits, awake > 0 ? 'let another one sleep first' : undefined);
      return apply();
    });
  }

  /** Deletes the web app and its containers and run folders; the user's files stay. */
  async remove(_owner: UserRow, app: WebappRow): Promise<void> {
    await this.deps.locks.run(app.id, async () => {
      await this.deps.deployer.stopAll(app, { everything: true });
      this.store.remove(app.id);
      this.deps.domains?.released({ kind: 'webapp', id: app.id, domain_name: app.domain_name });
    });
  }

  /**
   * Picks up new code: in place through the gateway when a healthy server
   * runs the saved settings, otherwise with a new container. Answers when
   * the app serves again; broken code is a ReloadFailedError and the
   * previous version keeps serving.
   */
  async reload(owner: UserRow, app: WebappRow): Promise<void> {
    const { deployer, locks } = this.deps;
    await locks.run(app.id, async () => {
      if (!this.store.byId(app.id)!.enabled) throw new ConflictError('this web app is disabled: enable it first, which also starts it');
      assertAccountEnabled(this.deps.users, owner);
      // A Reload wakes a sleeping app: nothing serves, so it starts a new container.
      this.store.setSleeping(app.id, null);
      const current = this.store.byId(app.id)!;
      const venv = virtualenvProblem(this.deps.config, owner, current);
      if (venv !== null) throw new ReloadFailedError(venv, '');
      const serving = current.crashed_reason === null ? await deployer.answeringContainer(current) : null;
      const nothingServes = serving === null;
      if (nothingServes || current.settings_warning || !deployer.hasCurrentMemory(owner, serving)) {
        // Nothing healthy to reload in place, or saved settings (or a memory
        // limit) the running container was not started with: start a new
        // container instead.
        const outcome = await deployer.replace(owner, current, { force: nothingServes });
        if (!outcome.ok) {
          if (outcome.kept) this.store.setSettingsWarning(current.id, pendingWarning(outcome.reason));
          throw new ReloadFailedError(outcome.message, outcome.logTail);
        }
        return;
      }
      const result = await deployer.reloadInPlace(current);
      if (!result.ok) throw new ReloadFailedError(`reload failed: ${result.error}. The previous version keeps serving.`, result.logTail);
    });
  }

  async enable(owner: UserRow, app: WebappRow): Promise<void> {
    await this.deps.locks.run(app.id, async () => {
      assertAccountEnabled(this.deps.users, owner);
      const current = this.store.update(app.id, { enabled: 1 });
      this.store.setCrashed(app.id, null);
      this.store.setSleeping(app.id, null);
      if (!(await this.deps.deployer.activeIsRunning(current))) await this.deps.deployer.startAndActivate(owner, current);
    });
  }

  async disable(_owner: UserRow, app: WebappRow): Promise<void> {
    await this.deps.locks.run(app.id, async () => {
      this.store.update(app.id, { enabled: 0 });
      this.store.setSleeping(app.id, null);
      await this.deps.deployer.stopAll(app);
    });
  }

  /** The reconciler's: starts a fresh container for an app whose container died or vanished. */
  async restart(webappId: number): Promise<void> {
    await this.deps.locks.run(webappId, async () => {
      const app = this.store.byId(webappId);
      const owner = app && this.deps.users.byId(app.user_id);
      if (!app || !owner || !app.enabled || app.crashed_reason || app.sleeping_since !== null || owner.disabled_at !== null) return;
      await this.deps.deployer.startAndActivate(owner, app);
    });
  }

  /**
   * The owner's account was disabled: every app's containers stop, at once
   * (the reconciler leaves them stopped). The apps stay enabled, so that
   * enabling the account starts them again.
   */
  async stopForAccount(owner: UserRow): Promise<void> {
    await Promise.all(this.store.forUser(owner.id).map((app) => this.deps.locks.run(app.id, () => this.deps.deployer.stopAll(app))));
  }

  /** The owner's account was enabled again: its enabled apps start. Returns the domains that did not (the reconciler retries them). */
  async startForAccount(owner: UserRow): Promise<string[]> {
    const failed: string[] = [];
    for (const app of this.store.forUser(owner.id)) {
      if (!app.enabled) continue;
      await this.restart(app.id).catch(() => failed.push(app.domain_name));
    }
    return failed;
  }
}

/** Nothing of a disabled account starts (an admin or a teacher may still look at its things). */
function assertAccountEnabled(users: UsersStore, owner: UserRow): void {
  if (users.byId(owner.id)?.disabled_at != null) {
    throw new ConflictError(`the account ${owner.username} is disabled: its web apps start again when an administrator enables it`);
  }
}

/** The warning kept while saved settings wait for a container that starts. */
function pendingWarning(reason: string): string {
  return `these settings are saved but not serving yet: ${reason}. The previous version keeps serving; Reload applies them once that is fixed.`;
}
