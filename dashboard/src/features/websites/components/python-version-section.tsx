import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { PythonVersionSelect } from '@/components/python-version-select';
import { ApiError } from '@/lib/api-client';
import { useUpdateWebsite, type Website } from '../api/websites';

/** Which Python's runtime image the command runs in; saving starts a server from the new one beside the one serving. */
export function PythonVersionSection({ username, site }: { username: string; site: Website }) {
  const [version, setVersion] = useState(site.python_version);
  const [saved, setSaved] = useState<null | 'serving' | 'not-serving' | 'disabled'>(null);
  const update = useUpdateWebsite(username, site.domain_name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ python_version: version }, { onSuccess: (after) => setSaved(!after.enabled ? 'disabled' : after.last_error ? 'not-serving' : 'serving') });
  };
  const error = update.error;
  const fieldError = error instanceof ApiError && error.field === 'python_version' ? error.detail : null;
  return (
    <section className="card" aria-labelledby="python-heading">
      <h2 id="python-heading">Python</h2>
      <form onSubmit={submit} className="stack">
        <PythonVersionSelect
          value={version}
          onChange={(v) => { setSaved(null); setVersion(v); }}
          error={fieldError}
          hint={`Your command runs with Python ${site.python_version} and that release's uvicorn, gunicorn and daphne.`}
        />
        <ErrorMessage error={fieldError ? null : error} />
        <div className="row save-row">
          <button type="submit" className="primary" disabled={update.isPending || version === site.python_version}>
            {update.isPending ? 'Saving and starting…' : 'Save Python version'}
          </button>
          <span role="status" className="muted">
            {saved === 'serving' ? `✓ Saved, and it serves on Python ${site.python_version}` : null}
            {saved === 'not-serving' ? '✓ Saved, but it does not serve: see “State” above' : null}
            {saved === 'disabled' ? `✓ Saved: it runs on Python ${site.python_version} once enabled` : null}
          </span>
        </div>
      </form>
    </section>
  );
}
