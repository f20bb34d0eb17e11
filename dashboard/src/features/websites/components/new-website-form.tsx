import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { Page } from '@/components/page';
import { PythonVersionSelect } from '@/components/python-version-select';
import { ApiError } from '@/lib/api-client';
import { DEFAULT_PYTHON_VERSION } from '@/lib/python-versions';
import { useCreateWebsite, type Website } from '../api/websites';

export const FASTAPI_COMMAND = 'cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app';

/** "Add a new website": a domain and the command that starts a server on $DOMAIN_SOCKET. */
export function NewWebsiteForm({ username, baseDomain, onCreated }: { username: string; baseDomain: string; onCreated(site: Website): void }) {
  const [domain, setDomain] = useState(`api.${username}.${baseDomain}`);
  const [command, setCommand] = useState('');
  const [pythonVersion, setPythonVersion] = useState<string>(DEFAULT_PYTHON_VERSION);
  const create = useCreateWebsite(username);
  const error = create.error;
  const fieldError = (field: string) => (error instanceof ApiError && error.field === field ? error.detail : null);
  const generalError = error instanceof ApiError && ['domain_name', 'command', 'python_version'].includes(error.field ?? '') ? null : error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ domain_name: domain.trim(), enabled: true, python_version: pythonVersion, webapp: { command } }, { onSuccess: onCreated });
  };
  return (
    <Page title="Add a new website">
      <form onSubmit={submit} className="card stack">
        <p>A website runs a command of yours — uvicorn, gunicorn, daphne, any server — that listens on the unix socket <span className="mono">$DOMAIN_SOCKET</span>; Pyhost sends the domain’s requests there.</p>
        <Field label="Domain name" value={domain} onChange={(e) => setDomain(e.target.value)} error={fieldError('domain_name')} className="mono" autoCapitalize="none" spellCheck={false} />
        <Field
          label="Command"
          value={command}
          placeholder={FASTAPI_COMMAND}
          onChange={(e) => setCommand(e.target.value)}
          error={fieldError('command')}
          hint={<>For FastAPI: <span className="mono">{FASTAPI_COMMAND}</span>; for Flask under gunicorn: <span className="mono">cd ~/app && gunicorn --bind unix:$DOMAIN_SOCKET app:app</span></>}
          className="mono"
          autoCapitalize="none"
          spellCheck={false}
        />
        <PythonVersionSelect value={pythonVersion} onChange={setPythonVersion} error={fieldError('python_version')} hint="The command runs with this Python and its release's uvicorn, gunicorn and daphne." />
        <ErrorMessage error={generalError} />
        <div className="row">
          <button type="submit" className="primary" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create website'}</button>
          <span role="status" className="muted">{create.isPending ? 'Creating the website and starting its command…' : ''}</span>
        </div>
      </form>
    </Page>
  );
}
