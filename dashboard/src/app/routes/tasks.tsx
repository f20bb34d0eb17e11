import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { logSourceAt } from '@/features/logs/api/log-source';
import { LogSourceViewer } from '@/features/logs/components/log-source-viewer';
import { useAlwaysOnTask } from '@/features/tasks/api/always-on';
import { useScheduledTask } from '@/features/tasks/api/scheduled';
import { taskLogBase, taskLogFileName } from '@/features/tasks/api/task-logs';
import type { TaskKind } from '@/features/tasks/api/types';
import { TasksPage } from '@/features/tasks/components/tasks-page';
import { taskName } from '@/features/tasks/lib/schedule';
import { usePaths, useViewedAccount } from '@/lib/viewed-account';
import { NotFound } from '../route-error';

export function TasksRoute() {
  const { username } = useViewedAccount();
  return <TasksPage key={username} username={username} />;
}

/** The task whose log is shown, for the page's title (the log itself needs only its id). */
function useTaskTitle(username: string, kind: TaskKind, id: number): string {
  const scheduled = useScheduledTask(username, id, kind === 'schedule');
  const alwaysOn = useAlwaysOnTask(username, id, kind === 'always_on');
  const task = kind === 'schedule' ? scheduled.data : alwaysOn.data;
  return task ? `Log of “${taskName(task)}”` : `Log of ${kind === 'schedule' ? 'scheduled' : 'always-on'} task ${id}`;
}

function TaskLog({ username, kind, id }: { username: string; kind: TaskKind; id: number }) {
  const paths = usePaths();
  const title = useTaskTitle(username, kind, id);
  const source = useMemo(() => logSourceAt(taskLogBase(username, kind, id), taskLogFileName(kind, id)), [username, kind, id]);
  return (
    <LogSourceViewer source={source} title={title} back={<Link to={paths.tasks}>Back to Tasks</Link>}>
      <p className="muted">/var/log/{taskLogFileName(kind, id)}: the command’s output, each run stamped with its start, end and exit code.</p>
    </LogSourceViewer>
  );
}

/** /tasks/schedule/7/log, /tasks/always_on/3/log: a task's log in the log viewer (live tail, history, download). */
export function TaskLogRoute() {
  const { username } = useViewedAccount();
  const { kind = '', id = '' } = useParams();
  if ((kind !== 'schedule' && kind !== 'always_on') || !/^[1-9]\d{0,9}$/.test(id)) return <NotFound />;
  return <TaskLog key={`${username}/${kind}/${id}`} username={username} kind={kind} id={Number(id)} />;
}
