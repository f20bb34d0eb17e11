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
}

export type LimitName = keyof Limits;
export type LimitOverrides = Partial<Limits>;

/** The range each limit may be set to, and how a person reads it. */
export const LIMIT_RANGES: Readonly<Record<LimitName, { readonly min: number; readonly max: number; readonly noun: string }>> = {
  webapps: { min: 0, max: 1000, noun: 'web apps' },
  consoles: { min: 0, max: 100, noun: 'consoles open at once' },
  workers: { min: 1, max: 64, noun: 'workers per web app' },
  memory_mb: { min: 32, max: 1 << 20, noun: 'MiB of memory per container' },
};

export const LIMIT_NAMES = Object.keys(LIMIT_RANGES) as LimitName[];

/**
 * Checks overrides from a request: only known names, whole numbers in
 * range; `null` for a name removes that override. Field errors name
 * `limits.<name>`.
 */
export function validateOverrides(input: Record<string, unknown>): Record<LimitName, number | null> {
  const out = {} as Record<LimitName, number | null>;
  for (const [name, value] of Object.entries(input)) {
    if (!(name in LIMIT_RANGES)) throw new ValidationError(`unknown limit "${name}" (limits are ${LIMIT_NAMES.join(', ')})`, `limits.${name}`);
    const range = LIMIT_RANGES[name as LimitName];
    if (value !== null && (!Number.isInteger(value) || (value as number) < range.min || (value as number) > range.max)) {
      throw new ValidationError(`limits.${name} must be a whole number from ${range.min} to ${range.max}`, `limits.${name}`);
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

/** The 409 for going over a limit: names it, says what it is, and who can change it. */
export function overLimit(name: LimitName, limits: Limits): ConflictError {
  const value = limits[name];
  return new ConflictError(
    `your account's limit is ${value} ${LIMIT_RANGES[name].noun} (limit "${name}"); an administrator can raise it`,
  );
}
