import { useEffect, useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { useAlwaysOnTasks } from '../api/always-on';
import { useScheduledTasks } from '../api/scheduled';
import { AlwaysOnCard } from './always-on-card';
import { AlwaysOnForm } from './always-on-form';
import { ScheduleForm } from './schedule-form';
import { ScheduledTaskCard } from './scheduled-task-card';
import './tasks.css';

/** Now, to the minute: "in 5 min" and next runs stay true while the page is open. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function ScheduledSection({ username }: { username: string }) {
  const tasks = useScheduledTasks(username);
  const now = useMinuteClock();
  return (
    <section className="card" aria-labelledby="scheduled-heading">
      <h2 id="scheduled-heading">Scheduled tasks</h2>
      <p className="muted">Run a command every day or every hour, each time in a fresh container, with your files.</p>
      {tasks.isPending ? <Spinner label="Loading scheduled tasks" /> : null}
      <ErrorMessage error={tasks.error} />
      {tasks.data?.length === 0 ? <p>No scheduled tasks yet: create one below.</p> : null}
      {tasks.data && tasks.data.length > 0 ? (
        <ul className="task-list" aria-label="Scheduled tasks">
          {tasks.data.map((t) => <ScheduledTaskCard key={t.id} username={username} task={t} now={now} />)}
        </ul>
      ) : null}
      <h3>New scheduled task</h3>
      <ScheduleForm username={username} />
    </section>
  );
}

function AlwaysOnSection({ username }: { username: string }) {
  const tasks = useAlwaysOnTasks(username);
  return (
    <section className="card" aria-labelledby="always-on-heading">
      <h2 id="always-on-heading">Always-on tasks</h2>
      <p className="muted">Keep a command running (a bot, a worker): started at once, restarted whenever it stops.</p>
      {tasks.isPending ? <Spinner label="Loading always-on tasks" /> : null}
      <ErrorMessage error={tasks.error} />
      {tasks.data?.length === 0 ? <p>No always-on tasks yet: create one below.</p> : null}
      {tasks.data && tasks.data.length > 0 ? (
        <ul className="task-list" aria-label="Always-on tasks">
          {tasks.data.map((t) => <AlwaysOnCard key={t.id} username={username} task={t} />)}
        </ul>
      ) : null}
      <h3>New always-on task</h3>
      <AlwaysOnForm username={username} />
    </section>
  );
}

/** The Tasks tab, as on PythonAnywhere: scheduled tasks, then always-on ones. */
export function TasksPage({ username }: { username: string }) {
  return (
    <Page title="Tasks">
      <ScheduledSection username={username} />
      <AlwaysOnSection username={username} />
    </Page>
  );
}
