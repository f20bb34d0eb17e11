// PythonAnywhere's scheduled-task rules, pure: what a task's fields may be,
// how a change combines with what the task has (the `hour` rules that
// helper_scripts' Task.update_schedule relies on), and when it is due.
import { ValidationError } from './errors.js';

export type TaskInterval = 'daily' | 'hourly';

export interface Schedule {
  readonly interval: TaskInterval;
  readonly hour: number | null;
  readonly minute: number;
}

export interface ScheduleInput {
  readonly command?: string;
  readonly description?: string;
  readonly enabled?: boolean;
  readonly interval?: string;
  readonly hour?: number | null;
  readonly minute?: number;
}

export interface TaskFields extends Schedule {
  readonly command: string;
  readonly description: string;
  readonly enabled: boolean;
}

export const MAX_COMMAND_CHARS = 10_000;
export const MAX_DESCRIPTION_CHARS = 500;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A command as a person types it in Bash: not empty, not huge, no NUL (no argv can carry one). */
export function checkCommand(command: string): string {
  if (command.trim() === '') throw new ValidationError('command must not be empty', 'command');
  if (command.length > MAX_COMMAND_CHARS) throw new ValidationError(`command must be at most ${MAX_COMMAND_CHARS} characters`, 'command');
  if (command.includes('\0')) throw new ValidationError('command must not contain a NUL byte', 'command');
  return command;
}

export function checkDescription(description: string): string {
  if (description.length > MAX_DESCRIPTION_CHARS) throw new ValidationError(`description must be at most ${MAX_DESCRIPTION_CHARS} characters`, 'description');
  if (description.includes('\0')) throw new ValidationError('description must not contain a NUL byte', 'description');
  return description;
}

function checkInterval(interval: string): TaskInterval {
  if (interval !== 'daily' && interval !== 'hourly') throw new ValidationError(`interval must be "daily" or "hourly", not ${JSON.stringify(interval)}`, 'interval');
  return interval;
}

function checkWhole(name: 'hour' | 'minute', value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new ValidationError(`${name} must be a whole number from 0 to ${max}`, name);
  return value;
}

/**
 * The task's fields after `input` is applied to `current` (null: a new
 * task). Daily tasks need an hour (kept when the task already is daily);
 * hourly ones have none: an hour given for one is refused, and switching
 * to hourly drops it.
 */
export function applyTaskInput(current: TaskFields | null, input: ScheduleInput): TaskFields {
  const command = input.command !== undefined ? checkCommand(input.command) : current?.command;
  const interval = input.interval !== undefined ? checkInterval(input.interval) : current?.interval;
  const minute = input.minute !== undefined ? checkWhole('minute', input.minute, 59) : current?.minute;
  if (command === undefined) throw new ValidationError('command is required', 'command');
  if (interval === undefined) throw new ValidationError('interval is required', 'interval');
  if (minute === undefined) throw new ValidationError('minute is required', 'minute');
  let hour: number | null;
  if (interval === 'hourly') {
    if (input.hour !== undefined && input.hour !== null) throw new ValidationError('Hourly tasks must not have an hour.', 'hour');
    hour = null;
  } else {
    hour = input.hour !== undefined ? input.hour : (current?.hour ?? null);
    if (hour === null) throw new ValidationError('Daily tasks need an hour (0 to 23, UTC).', 'hour');
    checkWhole('hour', hour, 23);
  }
  return {
    command,
    description: input.description !== undefined ? checkDescription(input.description) : (current?.description ?? ''),
    enabled: input.enabled ?? current?.enabled ?? true,
    interval,
    hour,
    minute,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** PythonAnywhere's: "16:05" for daily tasks, "05 minutes past" for hourly ones (UTC). */
export function printableTime(s: Schedule): string {
  return s.interval === 'daily' ? `${pad(s.hour ?? 0)}:${pad(s.minute)}` : `${pad(s.minute)} minutes past`;
}

export function periodMs(s: Schedule): number {
  return s.interval === 'daily' ? DAY_MS : HOUR_MS;
}

/** The latest due time at or before `now` (ms since the epoch, UTC). */
export function latestDue(s: Schedule, now: number): number {
  const base = s.interval === 'daily' ? Math.floor(now / DAY_MS) * DAY_MS + (s.hour ?? 0) * HOUR_MS : Math.floor(now / HOUR_MS) * HOUR_MS;
  const due = base + s.minute * MINUTE_MS;
  return due > now ? due - periodMs(s) : due;
}

/** The next run: the latest due time when not yet dealt with (`lastDue`), else the one after it. */
export function nextRun(s: Schedule, now: number, lastDue: number | null): number {
  const due = latestDue(s, now);
  return lastDue !== null && due > lastDue ? due : due + periodMs(s);
}

export type DueDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'pass'; readonly due: number }
  | { readonly kind: 'run'; readonly due: number; readonly trigger: 'schedule' | 'catch_up'; readonly missed: number };

/**
 * What a tick at `now` does with a task: nothing (its latest due time was
 * dealt with), let it pass (disabled: recorded as dealt with, so enabling
 * it later does not catch up), or run it. A run is a catch-up when the
 * control plane was down at the due minute or missed earlier ones; only
 * the latest is run, never a burst (`missed`: how many are not replayed).
 */
export function dueDecision(s: Schedule, now: number, lastDue: number | null, runnable: boolean): DueDecision {
  const due = latestDue(s, now);
  if (lastDue === null || due <= lastDue) return lastDue === null ? { kind: 'pass', due } : { kind: 'none' };
  if (!runnable) return { kind: 'pass', due };
  const missed = Math.max(0, Math.round((due - lastDue) / periodMs(s)) - 1);
  const late = now - due >= MINUTE_MS;
  return { kind: 'run', due, trigger: late || missed > 0 ? 'catch_up' : 'schedule', missed };
}
