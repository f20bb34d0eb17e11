import type { Interval, ScheduleInput, ScheduledTask } from '../api/types';

// The schedule form's rules, checked as the user types; the same rules the
// API applies (docs/tasks.md), so a schedule accepted here is accepted there.

export const MAX_COMMAND = 10_000;
export const MAX_DESCRIPTION = 500;

/** The form as typed: numbers stay text until they are valid. */
export interface ScheduleDraft {
  command: string;
  description: string;
  interval: Interval;
  hour: string;
  minute: string;
}

export type DraftField = keyof ScheduleDraft;
export type DraftErrors = Partial<Record<DraftField, string>>;

const pad = (n: number) => String(n).padStart(2, '0');

export function draftOf(task?: ScheduledTask): ScheduleDraft {
  if (!task) return { command: '', description: '', interval: 'daily', hour: '', minute: '' };
  return { command: task.command, description: task.description, interval: task.interval, hour: task.hour === null ? '' : String(task.hour), minute: String(task.minute) };
}

/** A whole number from 0 to max typed as digits, or null. */
export function wholeNumber(text: string, max: number): number | null {
  const t = text.trim();
  if (!/^\d{1,2}$/.test(t)) return null;
  const n = Number(t);
  return n <= max ? n : null;
}

export function commandError(command: string): string | undefined {
  if (command.trim() === '') return 'Type the command to run.';
  if (command.length > MAX_COMMAND) return `The command is at most ${MAX_COMMAND.toLocaleString('en')} characters (it has ${command.length.toLocaleString('en')}).`;
  if (command.includes('\u0000')) return 'The command cannot contain a NUL byte.';
  return undefined;
}

export function descriptionError(description: string): string | undefined {
  return description.length > MAX_DESCRIPTION ? `The description is at most ${MAX_DESCRIPTION} characters.` : undefined;
}

/** Every field at fault, with a sentence saying what it may be. */
export function validateDraft(d: ScheduleDraft): DraftErrors {
  const errors: DraftErrors = {};
  const command = commandError(d.command);
  if (command) errors.command = command;
  const description = descriptionError(d.description);
  if (description) errors.description = description;
  if (d.interval === 'daily' && wholeNumber(d.hour, 23) === null) {
    errors.hour = d.hour.trim() === '' ? 'A daily task needs an hour (0 to 23, UTC).' : 'The hour is a whole number from 0 to 23.';
  }
  if (wholeNumber(d.minute, 59) === null) {
    errors.minute = d.minute.trim() === '' ? 'Say at which minute (0 to 59).' : 'The minute is a whole number from 0 to 59.';
  }
  return errors;
}

/** The API's body for a valid draft: an hourly task has no hour. */
export function inputOf(d: ScheduleDraft): ScheduleInput {
  return {
    command: d.command,
    description: d.description,
    interval: d.interval,
    hour: d.interval === 'daily' ? wholeNumber(d.hour, 23) : null,
    minute: wholeNumber(d.minute, 59) ?? 0,
  };
}

/** The next moment (ms) at which the schedule is due after `now`, UTC as the scheduler counts. */
export function nextOccurrence(interval: Interval, hour: number | null, minute: number, now: number): number {
  const d = new Date(now);
  if (interval === 'hourly') {
    const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), minute);
    return at > now ? at : at + 3_600_000;
  }
  const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), hour ?? 0, minute);
  return at > now ? at : at + 86_400_000;
}

export interface ScheduleTimes {
  /** "Daily at 16:05 UTC", "Hourly at :05 UTC". */
  utc: string;
  /** The same moment on the viewer's clock: "17:05 your time (Europe/Paris)". */
  local: string;
}

/**
 * The schedule in UTC and on the viewer's clock. `at` is a moment it runs
 * (the next run), so the local time is the one in force then (summer time).
 */
export function scheduleTimes(interval: Interval, hour: number | null, minute: number, at: number, timeZone?: string): ScheduleTimes {
  const format = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone });
  const zone = timeZone ?? format.resolvedOptions().timeZone;
  const parts = format.formatToParts(new Date(at));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  if (interval === 'hourly') {
    return { utc: `Hourly at :${pad(minute)} UTC`, local: `:${part('minute')} past each hour your time (${zone})` };
  }
  return { utc: `Daily at ${pad(hour ?? 0)}:${pad(minute)} UTC`, local: `${part('hour')}:${part('minute')} your time (${zone})` };
}

/** "in 5 min", "in 3 h 20 min", "in 2 days": how far away a moment is. */
export function fromNow(at: number, now: number): string {
  const minutes = Math.max(0, Math.round((at - now) / 60_000));
  if (minutes < 1) return 'in less than a minute';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `in ${hours} h ${minutes % 60} min` : `in ${hours} h`;
  return `in ${Math.floor(hours / 24)} days`;
}

/** An uptime in words: "45 s", "12 min", "3 h 4 min", "2 days 5 h". */
export function formatUptime(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  const dayText = `${days} day${days === 1 ? '' : 's'}`;
  return hours % 24 ? `${dayText} ${hours % 24} h` : dayText;
}

/** How a task is called in buttons' names: its description, else its command (cut). */
export function taskName(t: { command: string; description: string }): string {
  const name = t.description.trim() || t.command.trim();
  return name.length > 60 ? `${name.slice(0, 59)}…` : name;
}

/** /user/alice/files/var/log/tasklog-7.log → /var/log/tasklog-7.log, as `pa schedule get --logfile` shows it. */
export function logfilePath(logfile: string): string {
  return logfile.replace(/^\/user\/[^/]+\/files/, '');
}
