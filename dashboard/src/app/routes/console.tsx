import { useParams } from 'react-router';
import { ConsolePage } from '@/features/consoles/components/console-page';
import { useCurrentUser } from '../layout';
import { NotFound } from '../route-error';

/** One console's terminal (loaded on demand: it brings xterm.js). */
export function ConsoleRoute() {
  const me = useCurrentUser();
  const id = Number(useParams().id);
  if (!Number.isInteger(id) || id < 1) return <NotFound />;
  return <ConsolePage key={id} username={me.username} id={id} />;
}
