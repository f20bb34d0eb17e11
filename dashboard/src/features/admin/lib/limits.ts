import type { AdminUser, LimitChanges, LimitName } from '../api/types';

/** Each limit as the forms show it; the ranges are the API's (control-plane domain/limits.ts). */
export const LIMIT_FIELDS: readonly { name: LimitName; label: string; min: number; max: number; what?: string }[] = [
  { name: 'webapps', label: 'Web apps', min: 0, max: 1000 },
  { name: 'consoles', label: 'Consoles open at once', min: 0, max: 100 },
  { name: 'workers', label: 'Workers per web app', min: 1, max: 16 },
  { name: 'memory_mb', label: 'Memory per container (MiB)', min: 32, max: 1 << 20 },
  {
    name: 'custom_domains',
    label: 'Custom domains',
    min: 0,
    max: 1000,
    what: 'Web apps and websites (together) at a domain of their own, once custom domains are allowed',
  },
  {
    name: 'daily_cpu_seconds',
    label: 'CPU seconds a day',
    min: 0,
    max: 64 * 86_400,
    what: 'For consoles and tasks (web apps do not count); past them they go on slowed down until 00:00 UTC; 0: no limit',
  },
  {
    name: 'disk_mb',
    label: 'Disk (MiB)',
    min: 0,
    max: 1 << 24,
    what: 'Home, /var/www and /var/log together; writing past it fails with "No space left on device"; can grow while in use; 0: no quota',
  },
  {
    name: 'sleep_after_seconds',
    label: 'Idle seconds before a web app sleeps',
    min: 0,
    max: 30 * 86_400,
    what: 'Seconds without a request before a web app sleeps (its memory is released; its next request wakes it); 0: never',
  },
  {
    name: 'awake_webapps',
    label: 'Web apps kept awake',
    min: 0,
    max: 1000,
    what: 'Web apps the owner may mark "Keep awake", so that they never sleep',
  },
];

/** The text of each limit's input. */
export type LimitDrafts = Record<LimitName, string>;

/** An account's own values; "" where it uses the default. */
export const overrideDrafts = (user: AdminUser): LimitDrafts =>
  Object.fromEntries(LIMIT_FIELDS.map((f) => [f.name, user.overrides[f.name]?.toString() ?? ''])) as LimitDrafts;

/** What to send: a typed number sets an override, an emptied field goes back to the default (null); unchanged ones are left out. */
export function limitChanges(user: AdminUser, drafts: LimitDrafts): LimitChanges {
  const out: LimitChanges = {};
  for (const { name } of LIMIT_FIELDS) {
    const text = drafts[name].trim();
    const before = user.overrides[name];
    if (text === '') {
      if (before !== undefined) out[name] = null;
    } else if (Number(text) !== before) {
      out[name] = Number(text);
    }
  }
  return out;
}
