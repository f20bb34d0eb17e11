// When a web app sleeps (docs/sleeping-apps.md): after its account's
// sleep_after_seconds without a request, unless its owner keeps it awake.
// Pure rules; services/webapps/app-sleep.ts carries them out.
import type { Limits } from './limits.js';

/** Seconds without a request before the app sleeps; 0: it never does. */
export function sleepAfterSeconds(app: { readonly keep_awake: number }, limits: Pick<Limits, 'sleep_after_seconds'>): number {
  return app.keep_awake === 1 ? 0 : limits.sleep_after_seconds;
}

/**
 * Whether an app last active at `lastActiveMs` (its last request, its last
 * start or wake, or the api's own start, whichever is latest) has been idle
 * long enough to sleep at `nowMs`.
 */
export function isIdle(lastActiveMs: number, sleepAfter: number, nowMs: number): boolean {
  return sleepAfter > 0 && nowMs - lastActiveMs >= sleepAfter * 1000;
}

/**
 * A wake asked for at `askedMs` is for this sleep only if it was asked
 * after the app fell asleep: a request the router still lists from an
 * earlier wake must not wake it again. The router asks only for a route its
 * table shows asleep, which it can see only after the api wrote the time
 * (one machine, one clock), so a real wake is never earlier.
 */
export function wakeIsForThisSleep(askedMs: number, sleepingSince: string): boolean {
  return askedMs >= Date.parse(sleepingSince);
}
