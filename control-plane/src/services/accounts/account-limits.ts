import type { Config } from '../../config.js';
import { applyOverrides, effectiveLimits, parseOverrides, validateOverrides, type LimitOverrides, type Limits } from '../../domain/limits.js';
import type { MetaStore } from '../../store/meta-store.js';
import type { UserRow } from '../../store/users-store.js';

/** meta key of the defaults an admin set (JSON overrides of the configured ones). */
const DEFAULTS_KEY = 'default_limits';

/**
 * What each account may use: the instance's defaults (from the
 * environment, then as an admin changed them) under the account's own
 * overrides.
 */
export class AccountLimits {
  constructor(
    private readonly meta: MetaStore,
    private readonly config: Config,
  ) {}

  /** The instance's defaults. */
  defaults(): Limits {
    return effectiveLimits(this.config.limits, parseOverrides(this.meta.get(DEFAULTS_KEY) ?? '{}'));
  }

  /** Changes the defaults (null: back to the configured value); returns them. */
  setDefaults(changes: Record<string, unknown>): Limits {
    this.meta.set(DEFAULTS_KEY, applyOverrides(this.meta.get(DEFAULTS_KEY) ?? '{}', validateOverrides(changes)));
    return this.defaults();
  }

  of(user: UserRow): Limits {
    return effectiveLimits(this.defaults(), this.overridesOf(user));
  }

  overridesOf(user: UserRow): LimitOverrides {
    return parseOverrides(user.limits_json);
  }
}
