import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { usePaths } from '@/lib/viewed-account';
import { useWebapps } from '../api/webapps';
import { StateBadge } from './state-section';

/** The Web tab's sidebar: each app, and the way to add one; `children` (the websites) below them. */
export function WebappList({ username, children }: { username: string; children?: ReactNode }) {
  const paths = usePaths();
  const apps = useWebapps(username);
  return (
    <nav aria-label="Your web apps" className="sidebar">
      <NavLink to={paths.newWebapp} className="button primary block">Add a new web app</NavLink>
      {apps.isPending ? <Spinner label="Loading web apps" /> : null}
      <ErrorMessage error={apps.error} />
      {apps.data && apps.data.length === 0 ? <p className="muted">You have no web apps yet.</p> : null}
      <ul className="plain app-list">
        {apps.data?.map((a) => (
          <li key={a.id}>
            <NavLink to={paths.webapp(a.domain_name)} end>
              <span className="mono">{a.domain_name}</span>
              <StateBadge state={a.state} />
            </NavLink>
          </li>
        ))}
      </ul>
      {children}
    </nav>
  );
}
