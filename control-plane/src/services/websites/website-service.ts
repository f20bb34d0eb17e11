import type { Config } from '../../config.js';
import { NotFoundError, ReloadFailedError, ValidationError } from '../../domain/errors.js';
import { overLimit } from '../../domain/limits.js';
import { DEFAULT_PYTHON_VERSION, parsePythonVersion } from '../../domain/python-versions.js';
import { checkDomain } from '../../domain/webapp-rules.js';
import { KeyedLock } from '../../lib/keyed-lock.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';
import type { WebappsStore } from '../../store/webapps-store.js';
import type { WebsiteRow, WebsitesStore } from '../../store/websites-store.js';
import type { AccountLimits } from '../accounts/account-limits.js';
import type { CustomDomains } from '../domains/custom-domains.js';
import type { WebappFiles } from '../webapps/webapp-files.js';
import type { WebsiteRunner } from './website-runner.js';

/** PythonAnywhere's words for a domain some site already has. */
export const DOMAIN_TAKEN = 'domain with this domain name already exists';
const MAX_COMMAND_CHARS = 4096;

export interface WebsiteCreate {
  readonly domain_name: string;
  readonly enabled?: boolean;
  readonly command: string;
  /** Which Python's runtime image it runs in; PythonAnywhere's API sends none (the default). */
  readonly python_version?: string | undefined;
}

export interface WebsitePatch {
  readonly enabled?: boolean;
  readonly command?: string;
  /** Another Python's runtime image: a new server from it, as a new command starts one. */
  readonly python_version?: string;
}

export interface WebsiteServiceDeps {
  readonly config: Config;
  readonly store: WebsitesStore;
  readonly webapps: WebappsStore;
  readonly users: UsersStore;
  readonly files: Pick<WebappFiles, 'createLogs'>;
  readonly runner: WebsiteRunner;
  readonly limits: Pick<AccountLimits, 'of'>;
  /** Custom domains: allowed, within the account's limit, checked in DNS (docs/https.md). */
  readonly domains?: Pick<CustomDomains, 'checkClaim' | 'claimed' | 'released'>;
}

function checkCommand(raw: string): string {
  const command = raw.trim();
  if (command === '') throw new ValidationError('webapp.command must not be empty: the command that starts your server on $DOMAIN_SOCKET', 'command');
  if (command.length > MAX_COMMAND_CHARS || command.includes('\0')) throw new ValidationError(`webapp.command must be at most ${MAX_COMMAND_CHARS} characters, without NUL`, 'command');
  return command;
}

/** Websites (docs/websites.md): what the v1 API asks, under each website's lock. */
export class WebsiteService {
  private readonly creating = new KeyedLock();

  constructor(private readonly deps: WebsiteServiceDeps) {}

  list(owner: UserRow): WebsiteRow[] {
    return this.deps.store.forUser(owner.id);
  }

  /** The owner's website at `domain`; anyone else's is as absent as one that does not exist. */
  get(owner: UserRow, domain: string): WebsiteRow {
    const site = this.deps.store.byDomain(domain.toLowerCase().replace(/\.$/, ''));
    if (!site || site.user_id !== owner.id) throw new NotFoundError(`no website ${domain}`);
    return site;
  }

  /** Saves the website and, when enabled, starts it; a command that does not serve is reported in last_error. */
  async create(owner: UserRow, input: WebsiteCreate): Promise<WebsiteRow> {
    const { config, store, webapps } = this.deps;
    const domain = checkDomain(input.domain_name, owner.username, config.domain);
    const command = checkCommand(input.command);
    const python = parsePythonVersion(input.python_version ?? DEFAULT_PYTHON_VERSION);
    const site = await this.creating.run(owner.id, async () => {
      const limits = this.deps.limits.of(owner);
      const count = store.forUser(owner.id).length + webapps.forUser(owner.id).length;
      if (count >= limits.webapps) throw overLimit('webapps', limits, count > 0 ? 'delete one first' : undefined);
      if (store.byDomain(domain) || webapps.byDomain(domain)) throw new ValidationError(DOMAIN_TAKEN, 'domain_name');
      this.deps.domains?.checkClaim(owner, domain);
      await this.deps.files.createLogs(owner, domain);
      try {
        const row = store.insert(owner.id, domain, command, input.enabled !== false, python);
        this.deps.domains?.claimed(owner, domain);
        return row;
      } catch (err) {
        if (String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT')) throw new ValidationError(DOMAIN_TAKEN, 'domain_name');
        throw err;
      }
    });
    if (site.enabled === 1) await this.deps.runner.locks.run(site.id, () => this.deps.runner.replace(owner, store.byId(site.id)!));
    return store.byId(site.id)!;
  }

  /**
   * Disabling stops its containers (the router answers the "disabled"
   * page); enabling, or a new command or python_version while enabled,
   * starts a new container side by side as a reload does. A start that fails is in last_error, as
   * for create; the old version, if one serves, keeps serving.
   */
  async update(owner: UserRow, site: WebsiteRow, patch: WebsitePatch): Promise<WebsiteRow> {
    const command = patch.command === undefined ? undefined : checkCommand(patch.command);
    const python = patch.python_version === undefined ? undefined : parsePythonVersion(patch.python_version);
    const { store, runner } = this.deps;
    await runner.locks.run(site.id, async () => {
      const before = store.byId(site.id)!;
      if (command !== undefined && command !== before.command) store.setCommand(site.id, command);
      if (python !== undefined && python !== before.python_version) store.setPythonVersion(site.id, python);
      if (patch.enabled !== undefined && patch.enabled !== (before.enabled === 1)) store.setEnabled(site.id, patch.enabled);
      const after = store.byId(site.id)!;
      if (after.enabled === 0) {
        if (before.enabled === 1) await runner.stopAll(site.id);
        return;
      }
      const wasServing = before.enabled === 1 && (await runner.activeIsRunning(before));
      const changed = after.command !== before.command || after.python_version !== before.python_version;
      if (!wasServing || changed) await runner.replace(owner, after);
    });
    return store.byId(site.id)!;
  }

  /** A new container beside the old one; throws with the reason and log tail when it does not serve (the old one keeps serving). */
  async reload(owner: UserRow, site: WebsiteRow): Promise<void> {
    const outcome = await this.deps.runner.locks.run(site.id, () => this.deps.runner.replace(owner, this.deps.store.byId(site.id)!));
    if (!outcome.ok) throw new ReloadFailedError(outcome.message, outcome.logTail);
  }

  /** Its containers and run folders go; its logs stay. */
  async remove(site: WebsiteRow): Promise<void> {
    await this.deps.runner.locks.run(site.id, async () => {
      this.deps.store.delete(site.id);
      this.deps.domains?.released({ kind: 'website', id: site.id, domain_name: site.domain_name });
      await this.deps.runner.stopAll(site.id, { everything: true });
    });
  }

  /** The reconciler's restart of a website whose container is missing or died. */
  async restart(id: number): Promise<void> {
    await this.deps.runner.locks.runIfIdle(id, async () => {
      const site = this.deps.store.byId(id);
      const owner = site ? this.deps.users.byId(site.user_id) : undefined;
      if (!site || !owner || site.enabled === 0 || site.crashed_reason !== null) return;
      if (await this.deps.runner.activeIsRunning(site)) return;
      await this.deps.runner.replace(owner, site);
    });
  }
}
