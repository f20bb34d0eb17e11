import { ValidationError } from './errors.js';

// A date alone, or a date and time with its zone: "2026-12-24",
// "2026-12-24T18:00:00Z", "2026-12-24T18:00+01:00". A time without a zone
// would mean different moments on the server and in the browser.
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A moment from a request, as the ISO string the store keeps (UTC, so
 * strings compare as times). A date alone is the start of that day, UTC.
 * `field` names the input in the error.
 */
export function parseTimestamp(value: string, field: string): string {
  const text = value.trim();
  if (!DATE_ONLY.test(text) && !DATE_TIME.test(text)) {
    throw new ValidationError(`${field} must be a date (2026-12-24) or a date and time with its zone (2026-12-24T18:00:00Z)`, field);
  }
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  // Date would read 2026-02-31 as March 3rd; a person meant no such day.
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) {
    throw new ValidationError(`${field}: there is no such date as ${text.slice(0, 10)}`, field);
  }
  const at = DATE_ONLY.test(text) ? day : new Date(text);
  if (Number.isNaN(at.getTime())) throw new ValidationError(`${field}: there is no such time as ${text}`, field);
  return at.toISOString();
}

/** Like parseTimestamp, and the moment must be after `now` (ISO). */
export function parseFutureTimestamp(value: string, field: string, now: string): string {
  const at = parseTimestamp(value, field);
  if (at <= now) throw new ValidationError(`${field} must be in the future (it is ${now.slice(0, 16).replace('T', ' ')} UTC now)`, field);
  return at;
}
