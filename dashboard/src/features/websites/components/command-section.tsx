import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { useUpdateWebsite, type Website } from '../api/websites';
import { FASTAPI_COMMAND } from './new-website-form';

/** The command in place of a web app's WSGI file; saving starts it beside the one serving, as Reload does. */
export function CommandSection({ username, site }: { username: string; site: Website }) {
  const [command, setCommand] = useState(site.webapp.command);
  const [saved, setSaved] = useState<null | 'serving' | 'not-serving'>(null);
  const update = useUpdateWebsite(username, site.domain_name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ webapp: { command } }, { onSuccess: (after) => setSaved(after.last_error ? 'not-serving' : 'serving') });
  };
  const error = update.error;
  return (
    <section className="card" aria-labelledby="command-heading">
      <h2 id="command-heading">Command</h2>
      <form onSubmit={submit} className="stack">
        <Field
          label="Server command"
          value={command}
          placeholder={FASTAPI_COMMAND}
          onChange={(e) => { setSaved(null); setCommand(e.target.value); }}
          error={error instanceof ApiError && error.field === 'command' ? error.detail : null}
          hint="Runs as you in /home, with bash; it must serve HTTP on the unix socket $DOMAIN_SOCKET."
          className="mono"
          autoCapitalize="none"
          spellCheck={false}
        />
        <ErrorMessage error={error instanceof ApiError && error.field === 'command' ? null : error} />
        <div className="row save-row">
          <button type="submit" className="primary" disabled={update.isPending}>{update.isPending ? 'Saving and starting…' : 'Save command'}</button>
          <span role="status" className="muted">
            {saved === 'serving' ? '✓ Saved, and the new command serves' : null}
            {saved === 'not-serving' ? '✓ Saved, but it does not serve: see “State” above' : null}
          </span>
        </div>
      </form>
    </section>
  );
}
