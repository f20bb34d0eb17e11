import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { usePaths } from '@/lib/viewed-account';
import { useConsole, useKillConsole, useRefreshConsoles } from '../api/consoles';
import { stateText } from './console-list';
import { TerminalView } from './terminal-view';
import './consoles.css';

/** One console, full width: the terminal, and a way to kill it. */
export function ConsolePage({ username, id }: { username: string; id: number }) {
  const query = useConsole(username, id);
  const kill = useKillConsole(username);
  const refresh = useRefreshConsoles(username);
  const navigate = useNavigate();
  const paths = usePaths();
  const [confirming, setConfirming] = useState(false);

  if (query.isPending) return <Spinner label="Loading the console" />;
  if (query.error) {
    return (
      <Page title="Console">
        <ErrorMessage error={query.error} />
        <p><Link to={paths.consoles}>All consoles</Link></p>
      </Page>
    );
  }
  const c = query.data;
  return (
    <Page
      title={c.name}
      actions={
        <>
          <span className={`badge state-${c.state === 'running' ? 'running' : 'stopped'}`}>{stateText(c)}</span>
          <Link to={paths.consoles} className="button">All consoles</Link>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>Kill</button>
        </>
      }
    >
      <TerminalView socketPath={c.websocket_url} label={`${c.name} terminal`} onEnded={refresh} />
      <p className="hint">Closing this page leaves the console running; come back to it from Consoles.</p>
      <ErrorMessage error={kill.error} />
      {confirming ? (
        <ConfirmDialog
          title={`Kill “${c.name}”?`}
          confirmLabel="Kill console"
          danger
          busy={kill.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => kill.mutate(c.id, { onSuccess: () => navigate(paths.consoles), onSettled: () => setConfirming(false) })}
        >
          <p>Everything running in it stops.</p>
        </ConfirmDialog>
      ) : null}
    </Page>
  );
}
