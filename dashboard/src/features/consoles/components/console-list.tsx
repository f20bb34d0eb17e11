import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { formatDate } from '@/lib/format';
import { useConsoles, useKillConsole, type ConsoleInfo } from '../api/consoles';

export function stateText(c: ConsoleInfo): string {
  if (c.state === 'running') return 'running';
  if (c.state === 'exited') return c.exit_code === null ? 'ended' : `ended (status ${c.exit_code})`;
  return 'not running';
}

/** The user's consoles: open one, or kill it. */
export function ConsoleList({ username }: { username: string }) {
  const consoles = useConsoles(username);
  const kill = useKillConsole(username);
  const [killing, setKilling] = useState<ConsoleInfo | null>(null);

  return (
    <section className="card" aria-labelledby="your-consoles-heading">
      <h2 id="your-consoles-heading">Your consoles</h2>
      {consoles.isPending ? <Spinner label="Loading consoles" /> : null}
      <ErrorMessage error={consoles.error} />
      {consoles.data && consoles.data.length === 0 ? <p>No consoles yet: start one above.</p> : null}
      {consoles.data && consoles.data.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Your consoles</caption>
            <thead>
              <tr><th scope="col">Console</th><th scope="col">State</th><th scope="col">Folder</th><th scope="col">Started</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {consoles.data.map((c) => (
                <tr key={c.id}>
                  <td><Link to={`/consoles/${c.id}`}>{c.name}</Link></td>
                  <td><span className={`badge state-${c.state === 'running' ? 'running' : 'stopped'}`}>{stateText(c)}</span></td>
                  <td className="mono">{c.working_directory ?? `/home/${username}`}</td>
                  <td>{formatDate(c.created_at)}</td>
                  <td className="actions">
                    <button type="button" className="danger-link" aria-label={`Kill ${c.name}`} onClick={() => setKilling(c)}>Kill</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorMessage error={kill.error} />
      {killing ? (
        <ConfirmDialog
          title={`Kill “${killing.name}”?`}
          confirmLabel="Kill console"
          danger
          busy={kill.isPending}
          onCancel={() => setKilling(null)}
          onConfirm={() => kill.mutate(killing.id, { onSettled: () => setKilling(null) })}
        >
          <p>Everything running in it stops, and its output is gone.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
