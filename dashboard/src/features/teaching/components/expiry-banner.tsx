import { formatDay } from '@/lib/format';
import './teaching.css';

/** How long before an account's end its owner is warned on every page. */
export const WARN_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days left until `expiresAt` (0 on the last day), or null when that is not within the warning time. */
export function daysLeft(expiresAt: string | null, now: number = Date.now()): number | null {
  if (!expiresAt) return null;
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end) || end <= now || end - now > WARN_DAYS * DAY_MS) return null;
  return Math.floor((end - now) / DAY_MS);
}

/** A workshop account's last week: when it stops, and what to do before. */
export function ExpiryBanner({ expiresAt, now }: { expiresAt: string | null; now?: number }) {
  const left = daysLeft(expiresAt, now);
  if (left === null || !expiresAt) return null;
  const when = left === 0 ? 'today' : left === 1 ? 'in 1 day' : `in ${left} days`;
  return (
    <div className="notice warning-banner" role="status">
      <strong>This account expires {when}</strong>, on {formatDay(expiresAt)}. It will then be disabled: download
      anything you want to keep, or ask your teacher or an administrator for more time.
    </div>
  );
}
