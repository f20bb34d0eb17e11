import { useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { formatDate } from '@/lib/format';
import { useTaskRuns } from '../api/scheduled';
import type { TaskRun } from '../api/types';
import { LastRun } from './last-run';

const SHOWN = 10;

function RunsTable({ runs, caption }: { runs: TaskRun[]; caption: string }) {
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Due</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td className="num">{r.id}</td>
              <td>{r.due_at ? formatDate(r.due_at) : <span className="muted">—</span>}</td>
              <td><LastRun run={r} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The task's latest runs with their exit codes, asked for only once opened. */
export function RecentRuns({ username, taskId, name }: { username: string; taskId: number; name: string }) {
  const [open, setOpen] = useState(false);
  const runs = useTaskRuns(username, taskId, SHOWN, open);
  return (
    <details className="recent-runs" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Recent runs</summary>
      {open && runs.isPending ? <Spinner label="Loading runs" /> : null}
      <ErrorMessage error={runs.error} />
      {runs.data ? <RunsTable runs={runs.data} caption={`Recent runs of “${name}”`} /> : null}
    </details>
  );
}
