import { Link } from 'react-router';
import { homeOf, paths } from '@/lib/paths';
import { usePaths, useViewedAccount } from '@/lib/viewed-account';
import './teaching.css';

/**
 * Says on every page whose things are shown and who you are to them, with
 * links to that account's pages and back to your own.
 */
export function ViewingBanner() {
  const viewed = useViewedAccount();
  const theirs = usePaths();
  if (!viewed.as) return null;
  return (
    <aside className="viewing-banner" aria-label="Whose account this is">
      <p>
        Viewing <strong>{viewed.username}</strong> as {viewed.as}. What you do here is written into their audit log.
      </p>
      <nav aria-label={`Pages of ${viewed.username}`} className="viewing-links">
        <Link to={theirs.web}>Web</Link>
        <Link to={theirs.files(homeOf(viewed.username))}>Files</Link>
        <Link to={theirs.consoles}>Consoles</Link>
        <Link to={theirs.tasks}>Tasks</Link>
        <Link to={paths.students}>Students</Link>
        <Link to={paths.web} className="viewing-back">Back to your own dashboard</Link>
      </nav>
    </aside>
  );
}
