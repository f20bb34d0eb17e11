import type { ReactNode } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { useWebapp } from '../api/webapps';
import { CodeSection } from './code-section';
import { DeleteWebapp } from './delete-webapp';
import { EnvVarsForm } from './env-vars-form';
import { HttpsSection } from './https-section';
import { LogLinks } from './log-links';
import { ReloadButton } from './reload-button';
import { SecuritySection } from './security-section';
import { ServerSection } from './server-section';
import { SettingsWarning } from './settings-warning';
import { StateSection } from './state-section';
import { StaticFilesTable } from './static-files-table';
import { UsageSection } from './usage-section';

/** One web app's configuration, laid out like PythonAnywhere's Web tab; `extra`: sections of other features (Compare servers), after the server's. */
export function WebTab({ username, domain, onDeleted, extra }: { username: string; domain: string; onDeleted(): void; extra?: ReactNode }) {
  const query = useWebapp(username, domain);
  if (query.isPending) return <Spinner label={`Loading ${domain}`} />;
  if (query.error) return <ErrorMessage error={query.error} title={`Could not load ${domain}`} />;
  const webapp = query.data;
  // Keyed by the record's identity so forms start from fresh values after a delete and re-create.
  return (
    <Page title={`Configuration for ${domain}`}>
      <div className="web-tab" key={webapp.id}>
        <section className="card reload-card" aria-label="Reload">
          <SettingsWarning warning={webapp.settings_warning} />
          <ReloadButton username={username} domain={domain} />
        </section>
        <StateSection username={username} webapp={webapp} />
        <CodeSection username={username} webapp={webapp} />
        <ServerSection username={username} webapp={webapp} />
        {extra}
        <LogLinks domain={domain} />
        <UsageSection username={username} domain={domain} />
        <StaticFilesTable username={username} domain={domain} />
        <SecuritySection username={username} webapp={webapp} />
        <HttpsSection username={username} webapp={webapp} />
        <EnvVarsForm username={username} webapp={webapp} />
        <DeleteWebapp username={username} domain={domain} onDeleted={onDeleted} />
      </div>
    </Page>
  );
}
