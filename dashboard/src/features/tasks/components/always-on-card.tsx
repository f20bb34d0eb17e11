import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { usePaths } from '@/lib/viewed-account';
import { useAlwaysOnAction, useDeleteAlwaysOnTask, type AlwaysOnAction } from '../api/always-on';
import type { AlwaysOnTask } from '../api/types';
import { formatUptime, logfilePath, taskName } from '../lib/schedule';
import { AlwaysOnForm } from './always-on-form';
import { useEditToggle } from './use-edit-toggle';

function AlwaysOnFacts({ task }: { task: AlwaysOnTask }) {
  const paths = usePaths();
  return (
    <dl className="facts">
      <dt>State</dt>
      <dd>
        <span className={`badge state-${task.state === 'restarting' ? 'starting' : task.state}`}>{task.state}</span>
        {task.reason ? <span className="run-detail">{task.reason}</span> : null}
      </dd>
      <dt>Uptime</dt>
      <dd>{task.uptime_seconds === null ? <span className="muted">not running</span> : formatUptime(task.uptime_seconds)}</dd>
      <dt>Restarts</dt>
      <dd>
        {task.restarts}
        {task.last_exit_code !== null ? <span className="muted"> (last exit code {task.last_exit_code})</span> : null}
      </dd>
      <dt>Log</dt>
      <dd>
        <Link to={paths.taskLog('always_on', task.id)} aria-label={`Log of “${taskName(task)}”`}>View log</Link>{' '}
        <span className="muted mono">{logfilePath(task.logfile)}</span>
      </dd>
    </dl>
  );
}

/** One always-on task: whether it is up, for how long, and restart, stop/start, edit, delete. */
export function AlwaysOnCard({ username, task }: { username: string; task: AlwaysOnTask }) {
  const action = useAlwaysOnAction(username);
  const remove = useDeleteAlwaysOnTask(username);
  const edit = useEditToggle();
  const [deleting, setDeleting] = useState(false);
  const name = taskName(task);
  const headingId = `always-on-${task.id}-heading`;
  const act = (a: AlwaysOnAction) => action.mutate({ id: task.id, action: a });

  return (
    <li className="task-card" aria-labelledby={headingId}>
      <h3 id={headingId} className="task-command"><code>{task.command}</code></h3>
      {task.description ? <p className="muted task-description">{task.description}</p> : null}
      {edit.editing ? (
        <AlwaysOnForm username={username} task={task} onDone={edit.close} onCancel={edit.close} />
      ) : (
        <>
          <AlwaysOnFacts task={task} />
          <div className="row wrap task-actions">
            <button type="button" className="primary" disabled={action.isPending} aria-label={`Restart “${name}”`} onClick={() => act('restart')}>Restart</button>
            {task.enabled ? (
              <button type="button" disabled={action.isPending} aria-label={`Stop “${name}”`} onClick={() => act('stop')}>Stop</button>
            ) : (
              <button type="button" disabled={action.isPending} aria-label={`Start “${name}”`} onClick={() => act('start')}>Start</button>
            )}
            <button type="button" ref={edit.buttonRef} aria-label={`Edit “${name}”`} onClick={edit.open}>Edit</button>
            <button type="button" className="danger-link" aria-label={`Delete “${name}”`} onClick={() => setDeleting(true)}>Delete</button>
          </div>
          <ErrorMessage error={action.error} title="Could not do it" />
        </>
      )}
      <ErrorMessage error={remove.error} title="Could not delete it" />
      {deleting ? (
        <ConfirmDialog title={`Delete “${name}”?`} confirmLabel="Delete task" danger busy={remove.isPending}
          onCancel={() => setDeleting(false)} onConfirm={() => remove.mutate(task.id, { onSettled: () => setDeleting(false) })}>
          <p>It is stopped now and not started again. Its log stays in /var/log.</p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
}
