import { formatDate } from '@/lib/format';
import type { TaskRun } from '../api/types';

const OUTCOME: Record<TaskRun['outcome'], { text: string; state: string }> = {
  running: { text: 'running', state: 'starting' },
  ok: { text: 'succeeded', state: 'running' },
  failed: { text: 'failed', state: 'crashed' },
  killed: { text: 'killed', state: 'crashed' },
  skipped: { text: 'skipped', state: 'stopped' },
};

const TRIGGER: Record<TaskRun['trigger'], string> = { schedule: 'scheduled', catch_up: 'catch-up', run_now: 'Run now' };

/** "succeeded (exit code 0) · Run now · 1/12/2026, 16:05:00 · 3.2 s" and the run's own sentence. */
export function LastRun({ run }: { run: TaskRun | null }) {
  if (!run) return <span className="muted">not run yet</span>;
  const o = OUTCOME[run.outcome];
  const facts = [TRIGGER[run.trigger], formatDate(run.started_at ?? run.due_at)];
  if (run.duration_seconds !== null) facts.push(run.duration_seconds < 0.1 ? 'under 0.1 s' : `${run.duration_seconds.toFixed(1)} s`);
  return (
    <span className="last-run">
      <span className={`badge state-${o.state}`}>
        {o.text}
        {run.exit_code !== null ? ` (exit code ${run.exit_code})` : ''}
      </span>{' '}
      <span className="muted">{facts.join(' · ')}</span>
      {run.detail ? <span className="run-detail">{run.detail}</span> : null}
    </span>
  );
}
