// AdminUser answers as GET /api/admin/users gives them, for the Admin page's tests.

export const adminUser = (username: string, over: Record<string, unknown> = {}) => ({
  username,
  uid: 10000 + username.length,
  is_admin: false,
  is_teacher: false,
  teacher: null,
  students: 0,
  created_at: '2026-01-10T09:00:00.000Z',
  last_login_at: null,
  disabled: false,
  disabled_reason: null,
  expires_at: null,
  webapps: [],
  consoles: 0,
  tasks: 0,
  disk_bytes: null,
  limits: { webapps: 2, consoles: 5, workers: 2, memory_mb: 512, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 },
  overrides: {},
  ...over,
});

export type AdminUserFixture = ReturnType<typeof adminUser>;
