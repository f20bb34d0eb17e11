import { SIGNUP_MODES, type Config, type SignupMode } from '../../config.js';
import { allowEntryProblem, normalizeAllowlist, type EgressMode } from '../../domain/egress.js';
import { ValidationError } from '../../domain/errors.js';
import type { MetaStore } from '../../store/meta-store.js';

const SIGNUP_KEY = 'signup_mode';
const CUSTOM_DOMAINS_KEY = 'custom_domains';
const EGRESS_ALLOW_KEY = 'egress_allow';

/** Whether users may give a web app or website a domain outside PYHOST_DOMAIN (off until an admin allows it). */
export function customDomainsAllowed(meta: Pick<MetaStore, 'get'>): boolean {
  return meta.get(CUSTOM_DOMAINS_KEY) === 'on';
}

/**
 * Instance-wide settings an admin changes from the dashboard. Each starts
 * as its environment variable says; once an admin sets it, the stored
 * value wins (and survives restarts).
 */
export class InstanceSettings {
  constructor(
    private readonly meta: MetaStore,
    private readonly config: Config,
  ) {}

  signupMode(): SignupMode {
    const stored = this.meta.get(SIGNUP_KEY) as SignupMode | undefined;
    return stored !== undefined && SIGNUP_MODES.includes(stored) ? stored : this.config.signup;
  }

  setSignupMode(mode: string): SignupMode {
    if (!SIGNUP_MODES.includes(mode as SignupMode)) {
      throw new ValidationError(`signup must be one of ${SIGNUP_MODES.join(', ')}`, 'signup');
    }
    this.meta.set(SIGNUP_KEY, mode);
    return mode as SignupMode;
  }

  customDomains(): boolean {
    return customDomainsAllowed(this.meta);
  }

  setCustomDomains(allowed: boolean): boolean {
    this.meta.set(CUSTOM_DOMAINS_KEY, allowed ? 'on' : 'off');
    return allowed;
  }

  /** PYHOST_EGRESS alone: users' containers are made for it (their proxy variables and socket mount), so it is not changed at run time. */
  egressMode(): EgressMode {
    return this.config.egress.mode;
  }

  /** The sites users' code may reach in allowlist mode: PYHOST_EGRESS_ALLOW (or its default) until an admin sets a list. */
  egressAllow(): readonly string[] {
    const stored = this.meta.get(EGRESS_ALLOW_KEY);
    if (stored === undefined) return this.config.egress.allow;
    try {
      const list: unknown = JSON.parse(stored);
      if (Array.isArray(list) && list.every((e) => typeof e === 'string' && allowEntryProblem(e) === null)) return list as string[];
    } catch {
      // A value no Pyhost wrote: the environment's list rather than none at all.
    }
    return this.config.egress.allow;
  }

  /** Null goes back to the environment's list. The answer is normalized (docs/egress.md), as the proxy gets it. */
  setEgressAllow(entries: readonly string[] | null): readonly string[] {
    if (entries === null) {
      this.meta.remove(EGRESS_ALLOW_KEY);
      return this.egressAllow();
    }
    const names = entries.map((e) => e.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean);
    for (const name of names) {
      const problem = allowEntryProblem(name);
      if (problem) throw new ValidationError(`"${name}" ${problem}`, 'egress_allow');
    }
    const list = normalizeAllowlist(names);
    this.meta.set(EGRESS_ALLOW_KEY, JSON.stringify(list));
    return list;
  }
}
