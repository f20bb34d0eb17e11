import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useCpuUsage, type CpuUsage } from '../api/cpu';

/**
 * next_reset_time is PythonAnywhere's naive UTC time (no zone after it):
 * read as UTC, never as the browser's local time.
 */
export function resetMs(nextResetTime: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(nextResetTime) ? nextResetTime : `${nextResetTime.slice(0, 23)}Z`);
}

/** "5 h", "42 min": how long until the reset, in the coarsest unit that still says something. */
export function untilReset(nextResetTime: string, now: number): string {
  const ms = Math.max(0, resetMs(nextResetTime) - now);
  if (ms >= 3_600_000) return `${Math.floor(ms / 3_600_000)} h`;
  return `${Math.max(1, Math.ceil(ms / 60_000))} min`;
}

const seconds = (s: number) => (s < 10 ? s.toFixed(1) : Math.round(s).toString());

export function CpuAllowanceView({ cpu, now }: { cpu: CpuUsage; now: number }) {
  const limit = cpu.daily_cpu_limit_seconds;
  const used = cpu.daily_cpu_total_usage_seconds;
  const resetsIn = untilReset(cpu.next_reset_time, now);
  return (
    <>
      {limit > 0 ? (
        <>
          <p>
            <strong>{Math.floor((used / limit) * 100)}%</strong> of your daily CPU allowance, resets in {resetsIn}
          </p>
          <meter className="cpu-meter" aria-label="Daily CPU allowance used" min={0} max={limit} value={Math.min(used, limit)} />
          <p className="muted">{seconds(used)} of {limit} CPU seconds used today by your consoles and tasks.</p>
        </>
      ) : (
        <p>Your consoles and tasks used {seconds(used)} CPU seconds today; this account has no daily limit.</p>
      )}
      {cpu.in_tarpit ? (
        <p role="status" className="notice warning-notice">
          You have used your daily CPU allowance: your consoles and tasks are slowed down until the reset in {resetsIn}. They keep running.
        </p>
      ) : null}
      <p className="muted">Your web apps used {seconds(cpu.webapp_cpu_seconds)} CPU seconds today; they do not count towards the allowance.</p>
    </>
  );
}

/** The Account page's CPU section: today's use against the daily allowance (UTC days). */
export function CpuAllowance({ username }: { username: string }) {
  const cpu = useCpuUsage(username);
  return (
    <section className="card" aria-labelledby="cpu-heading">
      <h2 id="cpu-heading">CPU</h2>
      {cpu.isPending ? <Spinner /> : null}
      <ErrorMessage error={cpu.error} title="Could not read your CPU use" />
      {cpu.data ? <CpuAllowanceView cpu={cpu.data} now={Date.now()} /> : null}
    </section>
  );
}
