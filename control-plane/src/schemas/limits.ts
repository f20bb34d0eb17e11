import { Type, type Static } from 'typebox';
import { LIMIT_RANGES, type LimitName } from '../domain/limits.js';

const DESCRIPTIONS: Record<LimitName, string> = {
  webapps: 'web apps the account may have',
  consoles: 'consoles the account may have open at once',
  workers: 'server worker processes per web app',
  memory_mb: 'memory of each of the account\'s containers (web apps and consoles), in MiB',
  custom_domains: 'web apps and websites at a domain of their own (outside the base domain), where the instance allows custom domains',
  daily_cpu_seconds: 'CPU seconds a day (UTC) for consoles and tasks; past them they run slowed down until 00:00 UTC; 0: no limit',
  disk_mb: "the account's disk (home, /var/www and /var/log together), in MiB, enforced by the kernel; 0: no quota",
  sleep_after_seconds: 'seconds without a request after which a web app sleeps (its next request wakes it); 0: never',
  awake_webapps: 'web apps the owner may keep from sleeping (keep_awake)',
};

const limit = (name: LimitName) => Type.Integer({ minimum: LIMIT_RANGES[name].min, maximum: LIMIT_RANGES[name].max, description: DESCRIPTIONS[name] });

/**
 * A change of one limit: a whole number, or null for "back to the
 * default". Written as `nullable` rather than a union with null on
 * purpose: the api coerces types, and in a union `null` would be coerced
 * to 0 by the integer branch (or 0 to null the other way round).
 */
const change = (name: LimitName) =>
  Type.Optional(Type.Unsafe<number | null>({
    type: 'integer',
    nullable: true,
    minimum: LIMIT_RANGES[name].min,
    maximum: LIMIT_RANGES[name].max,
    description: `${DESCRIPTIONS[name]}; null: back to the default`,
  }));

export const Limits = Type.Object({
  webapps: limit('webapps'),
  consoles: limit('consoles'),
  workers: limit('workers'),
  memory_mb: limit('memory_mb'),
  custom_domains: limit('custom_domains'),
  daily_cpu_seconds: limit('daily_cpu_seconds'),
  disk_mb: limit('disk_mb'),
  sleep_after_seconds: limit('sleep_after_seconds'),
  awake_webapps: limit('awake_webapps'),
});

export const LimitOverrides = Type.Object({
  webapps: Type.Optional(limit('webapps')),
  consoles: Type.Optional(limit('consoles')),
  workers: Type.Optional(limit('workers')),
  memory_mb: Type.Optional(limit('memory_mb')),
  custom_domains: Type.Optional(limit('custom_domains')),
  daily_cpu_seconds: Type.Optional(limit('daily_cpu_seconds')),
  disk_mb: Type.Optional(limit('disk_mb')),
  sleep_after_seconds: Type.Optional(limit('sleep_after_seconds')),
  awake_webapps: Type.Optional(limit('awake_webapps')),
}, { description: "the account's own limits; the others are the instance's defaults" });

/** PATCH bodies: the limits to change, each a number or null. Also usable as an invite code's `limits`. */
export const LimitChanges = Type.Object({
  webapps: change('webapps'),
  consoles: change('consoles'),
  workers: change('workers'),
  memory_mb: change('memory_mb'),
  custom_domains: change('custom_domains'),
  daily_cpu_seconds: change('daily_cpu_seconds'),
  disk_mb: change('disk_mb'),
  sleep_after_seconds: change('sleep_after_seconds'),
  awake_webapps: change('awake_webapps'),
}, { additionalProperties: false });

export const AccountLimits = Type.Object({ limits: Limits, overrides: LimitOverrides });

export const LimitsUserParams = Type.Object({ username: Type.String({ maxLength: 64 }) });

export type LimitChangesBody = Static<typeof LimitChanges>;
