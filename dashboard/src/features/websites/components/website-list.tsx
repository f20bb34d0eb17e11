import { NavLink } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { StateBadge } from '@/components/state-badge';
import { usePaths } from '@/lib/viewed-account';
import { useWebsites } from '../api/websites';

/** The Web tab sidebar's websites, under the web apps, and the way to add one. */
export function WebsiteList({ username }: { username: string }) {
  const paths = usePaths();
  const sites = useWebsites(username);
  return (
    <div className="website-list" aria-label="Your websites" role="group">
      <h2 className="sidebar-heading">Websites</h2>
      <ErrorMessage error={sites.error} />
      <ul className="plain app-list">
        {sites.data?.map((s) => (
          <li key={s.id}>
            <NavLink to={paths.website(s.domain_name)} end>
              <span className="mono">{s.domain_name}</span>
              <StateBadge state={s.state} />
            </NavLink>
          </li>
        ))}
      </ul>
      <NavLink to={paths.newWebsite} className="button block">Add a new website</NavLink>
    </div>
  );
}
