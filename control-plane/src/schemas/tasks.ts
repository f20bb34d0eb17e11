import { Type } from 'typebox';

// Lengths and ranges are checked by domain/schedule-rules.ts, with messages
// that name the field and say what it may be; the schemas keep to types.

const nullableInteger = (description: string) => Type.Unsafe<number | null>({ type: 'integer', nullable: true, description });

export const TaskParams = Type.Object({ username: Type.String({ maxLength: 64 }), id: Type.Integer({ minimum: 1 }) });

const command = Type.String({ description: 'as typed in a Bash console; run by bash as you, in your home folder' });
const description = Type.String({ description: 'for you; not run' });
const enabled = Type.Boolean();
const interval = Type.String({ description: '"daily" or "hourly"' });
const hour = nullableInteger('0-23, UTC; daily tasks only (null or absent for hourly ones)');
const minute = Type.Integer({ description: '0-59' });

export const CreateSchedule = Type.Object(
  { command, interval, minute, hour: Type.Optional(hour), enabled: Type.Optional(enabled), description: Type.Optional(description) },
  { additionalProperties: false },
);

export const PatchSchedule = Type.Object(
  {
    command: Type.Optional(command),
    interval: Type.Optional(interval),
    minute: Type.Optional(minute),
    hour: Type.Optional(hour),
    enabled: Type.Optional(enabled),
    description: Type.Optional(description),
  },
  { additionalProperties: false },
);

const isoOrNull = (what: string) => Type.Union([Type.String({ description: `${what}, ISO-8601 UTC` }), Type.Null()]);

export const TaskRun = Type.Object({
  id: Type.Integer(),
  task: Type.Integer(),
  trigger: Type.Union([Type.Literal('schedule'), Type.Literal('catch_up'), Type.Literal('run_now')]),
  due_at: isoOrNull('the scheduled minute'),
  started_at: isoOrNull('start'),
  ended_at: isoOrNull('end'),
  exit_code: Type.Union([Type.Integer(), Type.Null()]),
  duration_seconds: Type.Union([Type.Number(), Type.Null()]),
  outcome: Type.Union([Type.Literal('running'), Type.Literal('ok'), Type.Literal('failed'), Type.Literal('killed'), Type.Literal('skipped')]),
  detail: Type.String(),
});

export const ScheduledTask = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  user: Type.String(),
  command: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  interval: Type.Union([Type.Literal('daily'), Type.Literal('hourly')]),
  hour: Type.Union([Type.Integer(), Type.Null()]),
  minute: Type.Integer(),
  printable_time: Type.String(),
  logfile: Type.String({ description: 'PythonAnywhere\'s form: /user/<you>/files/var/log/tasklog-<id>.log' }),
  expiry: Type.Null(),
  can_enable: Type.Boolean(),
  extend_url: Type.Null(),
  next_run: isoOrNull('the next scheduled run'),
  last_run: Type.Union([TaskRun, Type.Null()]),
  created_at: Type.String(),
});

export const RunsQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }, { additionalProperties: false });

export const CreateAlwaysOn = Type.Object(
  { command, description: Type.Optional(description), enabled: Type.Optional(enabled) },
  { additionalProperties: false },
);

export const PatchAlwaysOn = Type.Object(
  { command: Type.Optional(command), description: Type.Optional(description), enabled: Type.Optional(enabled) },
  { additionalProperties: false },
);

export const AlwaysOnTask = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  user: Type.String(),
  command: Type.String(),
  description: Type.String(),
  enabled: Type.Boolean(),
  state: Type.Union([Type.Literal('starting'), Type.Literal('running'), Type.Literal('restarting'), Type.Literal('stopped'), Type.Literal('crashed')]),
  logfile: Type.String({ description: 'PythonAnywhere\'s form: /user/<you>/files/var/log/alwayson-log-<id>.log' }),
  reason: Type.Union([Type.String(), Type.Null()]),
  started_at: isoOrNull('the current process\'s start'),
  uptime_seconds: Type.Union([Type.Integer(), Type.Null()]),
  restarts: Type.Integer(),
  last_exit_code: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Type.String(),
});
