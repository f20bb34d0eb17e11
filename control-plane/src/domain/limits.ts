import { ConflictError, ValidationError } from './errors.js';

/**
 * What one account may use. The instance has defaults (an admin changes
 * them); an account can have its own overrides, set by an admin or copied
 * from the invite code it joined with.
 */
export interface Limits {
  /** Web apps the account may have. */
  readonly webapps: number;
  /** Consoles open at once. */
  readonly consoles: number;
  /** Server worker processes per web app. */
  readonly workers: number;
  /** Memory of each of the account's containers, in MiB. */
  readonly memory_mb: number;
  /** Web apps and websites at a domain outside PYHOST_DOMAIN, while the instance allows custom domains. */
  readonly custom_domains: number;
  /** CPU seconds a day for consoles and tasks before they are slowed down (docs/cpu-seconds.md); 0: no limit. */
  readonly daily_cpu_seconds: number;
  /** The account's disk (home, www and log together) in MiB, enforced by the kernel (docs/disk-quotas.md); 0: no quota. */
  readonly disk_mb: number;
  /** Seconds without a request after which a web app sleeps (docs/sleeping-apps.md); 0: its apps never sleep. */
  readonly sleep_after_seconds: number;
  /** Web apps the owner may keep from ever sleeping (keep_awake). */
  readonly awake_webapps: number;
}

export type LimitName = keyof Limits;

/** Bytes in a MiB: containers' memory is given to the engine in bytes. */
export const MiB = 1024 * 1024;
export type LimitOverrides = Partial<Limits>;

/** The range each limit may be set to, and how a person reads it (`one`: the noun after 1). */
export const LIMIT_RANGES: Readonly<Record<LimitName, { readonly min: number; readonly max: number; readonly noun: string; readonly one: string }>> = {
  webapps: { min: 0, max: 1000, noun: 'web apps', one: 'web app' },
  consoles: { min: 0, max: 100, noun: 'consoles open at once', one: 'console open at once' },
  // 16: the gateway's own ceiling (runtime-image/gateway/pyhost_gateway/config.py); more would not start.
  workers: { min: 1, max: 16, noun: 'workers per web app', one: 'worker per web app' },
  memory_mb: { min: 32, max: 1 << 20, noun: 'MiB of memory per container', one: 'MiB of memory per container' },
  custom_domains: { min: 0, max: 1000, noun: 'custom domains', one: 'custom domain' },
  // 0 is no limit rather than none: nothing is ever refused for it, only slowed down.
  daily_cpu_seconds: { min: 0, max: 64 * 86_400, noun: 'CPU seconds a day', one: 'CPU second a day' },
  // 0 is no quota. 16 MiB: ext4's journal and tables alone take a few.
  disk_mb: { min: 0, max: 1 << 24, noun: 'MiB of disk', one: 'MiB of disk' },
  // 0 is never rather than at once. 30 days at most: an app idle longer may as well sleep.
  sleep_after_seconds: { min: 0, max: 30 * 86_400, noun: 'seconds without a request before a web app sleeps', one: 'second without a request before a web app sleeps' },
  awake_webapps: { min: 0, max: 1000, noun: 'web apps kept awake', one: 'web app kept awake' },
};

export const LIMIT_NAMES = Object.keys(LIMIT_RANGES) as LimitName[];

/**
 * Checks overrides from a request: only known names, whole numbers in
 * range; `null` for a name removes that override. A field error names the
 * input's path in the body: `limits.<name>` where the limits sit under
 * `limits` (an invite code), `<name>` where the body is the limits
 * themselves (pass `at: ''`).
 */
export function validateOverrides(input: Record<string, unknown>, at = 'limits.'): Record<LimitName, number | null> {
  const out = {} as Record<LimitName, number | null>;
  for (const [name, value] of Object.entries(input)) {
    const field = `${at}${name}`;
    if (!(name in LIMIT_RANGES)) throw new ValidationError(`unknown limit "${name}" (limits are ${LIMIT_NAMES.join(', ')})`, field);
    const range = LIMIT_RANGES[name as LimitName];
    if (value !== null && (!Number.isInteger(value) || (value as number) < range.min || (value as number) > range.max)) {
      throw new ValidationError(`${field} must be a whole number from ${range.min} to ${range.max}, or null for the default`, field);
    }
    out[name as LimitName] = value as number | null;
  }
  return out;
}

/** Overrides as stored (limits_json); anything malformed or out of range is ignored, never trusted. */
export function parseOverrides(json: string): LimitOverrides {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const out: Record<string, number> = {};
  for (const name of LIMIT_NAMES) {
    const v = (raw as Record<string, unknown>)[name];
    const range = LIMIT_RANGES[name];
    if (Number.isInteger(v) && (v as number) >= range.min && (v as number) <= range.max) out[name] = v as number;
  }
  return out;
}

/** Applies `changes` (null removes an override) to stored overrides; returns the new limits_json. */
export function applyOverrides(json: string, changes: Record<string, number | null>): string {
  const next: Record<string, number> = { ...parseOverrides(json) };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return JSON.stringify(next);
}

export function effectiveLimits(defaults: Limits, overrides: LimitOverrides): Limits {
  return { ...defaults, ...overrides };
}

/**
 * The 409 for going over a limit: names it, says what it is, and who can
 * change it; `remedy` says what the person can do first themself.
 */
export function overLimit(name: LimitName, limits: Limits, remedy?: string): ConflictError {
  const value = limits[name];
  const next = remedy === undefined ? 'an administrator can raise it' : `${remedy}, or ask an administrator to raise it`;
  const noun = value === 1 ? LIMIT_RANGES[name].one : LIMIT_RANGES[name].noun;
  return new ConflictError(`your account's limit is ${value} ${noun} (limit "${name}"); ${next}`);
}
