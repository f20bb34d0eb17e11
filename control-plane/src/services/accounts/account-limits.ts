import type { Config } from '../../config.js';
import { NotFoundError } from '../../domain/errors.js';
import { applyOverrides, effectiveLimits, parseOverrides, validateOverrides, type LimitOverrides, type Limits } from '../../domain/limits.js';
import type { MetaStore } from '../../store/meta-store.js';
import type { UserRow, UsersStore } from '../../store/users-store.js';

/** meta key of the defaults an admin set (JSON overrides of the configured ones). */
const DEFAULTS_KEY = 'default_limits';

/** An account's limits, and which of them are its own rather than the instance's defaults. */
export interface AccountLimitsView {
  readonly limits: Limits;
  readonly overrides: LimitOverrides;
}

/**
 * What each account may use: the instance's defaults (from the
 * environment, then as an admin changed them) under the account's own
 * overrides (set by an admin, or copied from the invite code it joined
 * with). Read afresh at each use, so a change applies to the next thing
 * the account starts; nothing running is stopped by it.
 */
export class AccountLimits {
  constructor(
    private readonly meta: MetaStore,
    private readonly users: UsersStore,
    private readonly config: Config,
  ) {}

  /** The instance's defaults. */
  defaults(): Limits {
    return effectiveLimits(this.config.limits, parseOverrides(this.meta.get(DEFAULTS_KEY) ?? '{}'));
  }

  /** Changes the defaults (null: back to the configured value); returns them. Field errors name the limit. */
  setDefaults(changes: Record<string, unknown>): Limits {
    const checked = validateOverrides(changes, '');
    this.meta.set(DEFAULTS_KEY, applyOverrides(this.meta.get(DEFAULTS_KEY) ?? '{}', checked));
    return this.defaults();
  }

  /** The account's limits, from its row as stored now (not as a request loaded it). */
  of(user: UserRow): Limits {
    return this.view(user).limits;
  }

  overridesOf(user: UserRow): LimitOverrides {
    return this.view(user).overrides;
  }

  view(user: UserRow): AccountLimitsView {
    const overrides = parseOverrides((this.users.byId(user.id) ?? user).limits_json);
    return { limits: effectiveLimits(this.defaults(), overrides), overrides };
  }

  /** Changes one account's overrides (null removes one: back to the default). Field errors name the limit. */
  setFor(username: string, changes: Record<string, unknown>): AccountLimitsView {
    const checked = validateOverrides(changes, '');
    const user = this.users.byUsername(username);
    if (!user) throw new NotFoundError(`no account ${username}`);
    this.users.update(user.id, { limitsJson: applyOverrides(user.limits_json, checked) });
    return this.view(user);
  }
}
