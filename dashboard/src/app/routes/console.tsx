import { useParams } from 'react-router';
import { ConsolePage } from '@/features/consoles/components/console-page';
import { useViewedAccount } from '@/lib/viewed-account';
import { NotFound } from '../route-error';

/** One console's terminal (loaded on demand: it brings xterm.js). */
export function ConsoleRoute() {
  const { username } = useViewedAccount();
  const id = Number(useParams().id);
  if (!Number.isInteger(id) || id < 1) return <NotFound />;
  return <ConsolePage key={`${username}/${id}`} username={username} id={id} />;
}
