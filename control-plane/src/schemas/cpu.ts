import { Type, type Static } from 'typebox';

/**
 * GET /api/v0/user/{username}/cpu/: PythonAnywhere's three fields (what
 * pythonanywhere-core's `CPU.get_cpu_usage` returns to its callers), then
 * Pyhost's, which PythonAnywhere's clients ignore.
 */
export const CpuUsage = Type.Object({
  daily_cpu_limit_seconds: Type.Integer({ description: "the account's daily allowance for consoles and tasks, in CPU seconds; 0: no limit" }),
  daily_cpu_total_usage_seconds: Type.Number({ description: "CPU seconds the account's consoles and tasks used today (UTC)" }),
  next_reset_time: Type.String({ description: 'when the usage starts again from 0: the next 00:00 UTC, as PythonAnywhere writes it (naive ISO 8601 in UTC with microseconds, 2026-12-02T00:00:00.000000)' }),
  in_tarpit: Type.Boolean({ description: "over the allowance: the account's consoles and tasks run slowed down (never stopped) until next_reset_time" }),
  webapp_cpu_seconds: Type.Number({ description: "CPU seconds the account's web apps and websites used today; reported, never charged" }),
  tarpit_cpus: Type.Number({ description: 'the CPUs each console or task container gets in the tarpit' }),
});

export type CpuUsageReply = Static<typeof CpuUsage>;
