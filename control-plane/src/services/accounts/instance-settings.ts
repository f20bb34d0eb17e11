import { SIGNUP_MODES, type Config, type SignupMode } from '../../config.js';
import { ValidationError } from '../../domain/errors.js';
import type { MetaStore } from '../../store/meta-store.js';

const SIGNUP_KEY = 'signup_mode';
const CUSTOM_DOMAINS_KEY = 'custom_domains';

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
}
