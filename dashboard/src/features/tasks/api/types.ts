// The tasks API's answers (docs/tasks.md): PythonAnywhere's fields with
// Pyhost's additions (next_run, last_run, state, uptime, restarts) beside.

import type { TaskLogKind } from '@/lib/paths';

export type Interval = 'daily' | 'hourly';

export type RunOutcome = 'running' | 'ok' | 'failed' | 'killed' | 'skipped';

/** One run of a scheduled task. */
export interface TaskRun {
  id: number;
  task: number;
  trigger: 'schedule' | 'catch_up' | 'run_now';
  due_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  exit_code: number | null;
  duration_seconds: number | null;
  outcome: RunOutcome;
  detail: string;
}

export interface ScheduledTask {
  id: number;
  url: string;
  user: string;
  command: string;
  description: string;
  enabled: boolean;
  interval: Interval;
  /** UTC; null exactly when hourly. */
  hour: number | null;
  minute: number;
  printable_time: string;
  logfile: string;
  expiry: null;
  can_enable: boolean;
  extend_url: null;
  next_run: string | null;
  last_run: TaskRun | null;
  created_at: string;
}

export type AlwaysOnState = 'starting' | 'running' | 'restarting' | 'stopped' | 'crashed';

export interface AlwaysOnTask {
  id: number;
  url: string;
  user: string;
  command: string;
  description: string;
  enabled: boolean;
  state: AlwaysOnState;
  logfile: string;
  reason: string | null;
  started_at: string | null;
  uptime_seconds: number | null;
  restarts: number;
  last_exit_code: number | null;
  created_at: string;
}

/** What the create and edit forms send for a scheduled task. */
export interface ScheduleInput {
  command: string;
  description: string;
  interval: Interval;
  hour: number | null;
  minute: number;
  enabled?: boolean;
}

export interface AlwaysOnInput {
  command: string;
  description: string;
  enabled?: boolean;
}

/** The two kinds, as their API paths name them (and the dashboard's URLs, lib/paths.ts). */
export type TaskKind = TaskLogKind;
