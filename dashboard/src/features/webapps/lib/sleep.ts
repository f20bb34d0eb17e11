import type { Webapp } from '../api/types';

/** A span in words, to the unit that matters: "45 s", "15 min", "1 h 30 min", "2 days". */
export function formatSpan(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.round(hours / 24);
  return `${days} days`;
}

/** How long ago a moment was: "less than a minute ago", "12 min ago", "3 h ago"; a moment ahead (a clock behind the server's) counts as now. */
export function timeAgo(iso: string, now: number): string {
  const seconds = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return 'less than a minute ago';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/**
 * What happens to the app when nobody visits it, or null when sleeping does
 * not apply to it (the instance or the account has it off) and there is
 * nothing to choose.
 */
export function idlePlan(webapp: Pick<Webapp, 'keep_awake' | 'sleep_after_seconds'>): string | null {
  if (webapp.keep_awake) return 'Kept awake: it never sleeps';
  if (webapp.sleep_after_seconds > 0) return `Sleeps after ${formatSpan(webapp.sleep_after_seconds)} without a request`;
  return null;
}
