import { useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { ResourceTable, type Column } from '@/components/resource-table';
import { Spinner } from '@/components/spinner';
import { formatDate } from '@/lib/format';
import type { AccountPaths } from '@/lib/paths';
import { usePaths } from '@/lib/viewed-account';
import { useConsoles, useKillConsole, type ConsoleInfo } from '../api/consoles';

export function stateText(c: ConsoleInfo): string {
  if (c.state === 'running') return 'running';
  if (c.state === 'exited') return c.exit_code === null ? 'ended' : `ended (status ${c.exit_code})`;
  return 'not running';
}

const columns = (username: string, paths: AccountPaths): Column<ConsoleInfo>[] => [
  { header: 'Console', cell: (c) => <Link to={paths.console(c.id)}>{c.name}</Link> },
  { header: 'State', cell: (c) => <span className={`badge state-${c.state === 'running' ? 'running' : 'stopped'}`}>{stateText(c)}</span> },
  { header: 'Folder', cell: (c) => c.working_directory ?? `/home/${username}`, className: 'mono' },
  { header: 'Started', cell: (c) => formatDate(c.created_at) },
];

/** The user's consoles: open one, or kill it. */
export function ConsoleList({ username }: { username: string }) {
  const paths = usePaths();
  const consoles = useConsoles(username);
  const kill = useKillConsole(username);
  const [killing, setKilling] = useState<ConsoleInfo | null>(null);

  return (
    <section className="card" aria-labelledby="your-consoles-heading">
      <h2 id="your-consoles-heading">Your consoles</h2>
      {consoles.isPending ? <Spinner label="Loading consoles" /> : null}
      <ErrorMessage error={consoles.error} />
      {consoles.data ? (
        <ResourceTable
          caption="Your consoles"
          columns={columns(username, paths)}
          rows={consoles.data}
          rowKey={(c) => c.id}
          empty="No consoles yet: start one above."
          deleteText="Kill"
          deleteLabel={(c) => `Kill ${c.name}`}
          onDelete={setKilling}
        />
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
