import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { formatDate } from '@/lib/format';
import { usePaths } from '@/lib/viewed-account';
import { useDeleteScheduledTask, useRunScheduledTask, useUpdateScheduledTask } from '../api/scheduled';
import type { ScheduledTask } from '../api/types';
import { fromNow, logfilePath, nextOccurrence, scheduleTimes, taskName } from '../lib/schedule';
import { LastRun } from './last-run';
import { RecentRuns } from './recent-runs';
import { ScheduleForm } from './schedule-form';
import { useEditToggle } from './use-edit-toggle';

function NextRun({ task, now }: { task: ScheduledTask; now: number }) {
  if (!task.enabled || task.next_run === null) return <span className="muted">none: the task is disabled</span>;
  return (
    <>
      {formatDate(task.next_run)} <span className="muted">({fromNow(Date.parse(task.next_run), now)})</span>
    </>
  );
}

function ScheduleFacts({ task, now }: { task: ScheduledTask; now: number }) {
  const paths = usePaths();
  // On the day of its next run, so the local time is the one in force then.
  const times = scheduleTimes(task.interval, task.hour, task.minute, nextOccurrence(task.interval, task.hour, task.minute, now));
  return (
    <dl className="facts">
      <dt>Schedule</dt>
      <dd>
        {times.utc}
        <br />
        <span className="muted">{times.local}</span>
      </dd>
      <dt>Next run</dt>
      <dd><NextRun task={task} now={now} /></dd>
      <dt>Last run</dt>
      <dd><LastRun run={task.last_run} /></dd>
      <dt>Log</dt>
      <dd>
        <Link to={paths.taskLog('schedule', task.id)} aria-label={`Log of “${taskName(task)}”`}>View log</Link>{' '}
        <span className="muted mono">{logfilePath(task.logfile)}</span>
      </dd>
    </dl>
  );
}

/** One scheduled task: when it runs, how it last went, and what can be done with it. */
export function ScheduledTaskCard({ username, task, now }: { username: string; task: ScheduledTask; now: number }) {
  const update = useUpdateScheduledTask(username);
  const run = useRunScheduledTask(username);
  const remove = useDeleteScheduledTask(username);
  const edit = useEditToggle();
  const [deleting, setDeleting] = useState(false);
  const name = taskName(task);
  const headingId = `scheduled-${task.id}-heading`;

  return (
    <li className="task-card" aria-labelledby={headingId}>
      <h3 id={headingId} className="task-command"><code>{task.command}</code></h3>
      {task.description ? <p className="muted task-description">{task.description}</p> : null}
      {edit.editing ? (
        <ScheduleForm username={username} task={task} onDone={edit.close} onCancel={edit.close} />
      ) : (
        <>
          <ScheduleFacts task={task} now={now} />
          <RecentRuns username={username} taskId={task.id} name={name} />
          <div className="row wrap task-actions">
            <label className="check">
              <input type="checkbox" role="switch" checked={task.enabled} disabled={update.isPending || (!task.enabled && !task.can_enable)}
                aria-label={`Enabled: “${name}”`} onChange={(e) => update.mutate({ id: task.id, body: { enabled: e.target.checked } })} />
              <span aria-hidden="true">Enabled</span>
            </label>
            <button type="button" className="primary" disabled={run.isPending} aria-label={`Run “${name}” now`} onClick={() => run.mutate(task.id)}>Run now</button>
            <button type="button" ref={edit.buttonRef} aria-label={`Edit “${name}”`} onClick={edit.open}>Edit</button>
            <button type="button" className="danger-link" aria-label={`Delete “${name}”`} onClick={() => setDeleting(true)}>Delete</button>
          </div>
          {run.isSuccess && (task.last_run?.id !== run.data.id || task.last_run.outcome === 'running') ? (
            <p className="muted" role="status">Run {run.data.id} started; its output goes to the log.</p>
          ) : null}
          <ErrorMessage error={run.error} title="Could not run it" />
          <ErrorMessage error={update.error} title="Could not change it" />
        </>
      )}
      <ErrorMessage error={remove.error} title="Could not delete it" />
      {deleting ? (
        <ConfirmDialog title={`Delete “${name}”?`} confirmLabel="Delete task" danger busy={remove.isPending}
          onCancel={() => setDeleting(false)} onConfirm={() => remove.mutate(task.id, { onSettled: () => setDeleting(false) })}>
          <p>It will not run again, and a run in progress is stopped. Its log stays in /var/log.</p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
}
