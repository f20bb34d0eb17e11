// Answers of the tasks API (docs/tasks.md) for the dashboard's tests.

export const sampleRun = (over: Record<string, unknown> = {}) => ({
  id: 41,
  task: 7,
  trigger: 'schedule',
  due_at: '2026-12-01T16:05:00.000Z',
  started_at: '2026-12-01T16:05:00.000Z',
  ended_at: '2026-12-01T16:05:03.200Z',
  exit_code: 0,
  duration_seconds: 3.2,
  outcome: 'ok',
  detail: '',
  ...over,
});

export const sampleScheduled = (over: Record<string, unknown> = {}) => ({
  id: 7,
  url: '/api/v0/user/alice/schedule/7/',
  user: 'alice',
  command: 'python3 /home/alice/send.py --daily',
  description: '',
  enabled: true,
  interval: 'daily',
  hour: 16,
  minute: 5,
  printable_time: '16:05',
  logfile: '/user/alice/files/var/log/tasklog-7.log',
  expiry: null,
  can_enable: true,
  extend_url: null,
  next_run: '2026-12-02T16:05:00.000Z',
  last_run: null,
  created_at: '2026-11-30T10:00:00.000Z',
  ...over,
});

export const sampleAlwaysOn = (over: Record<string, unknown> = {}) => ({
  id: 3,
  url: '/api/v0/user/alice/always_on/3/',
  user: 'alice',
  command: 'python3 /home/alice/bot.py',
  description: 'the bot',
  enabled: true,
  state: 'running',
  logfile: '/user/alice/files/var/log/alwayson-log-3.log',
  reason: null,
  started_at: '2026-12-01T15:00:00.000Z',
  uptime_seconds: 3900,
  restarts: 0,
  last_exit_code: null,
  created_at: '2026-11-30T10:00:00.000Z',
  ...over,
});

export const SCHEDULE = '/api/v0/user/alice/schedule/';
export const ALWAYS_ON = '/api/v0/user/alice/always_on/';
