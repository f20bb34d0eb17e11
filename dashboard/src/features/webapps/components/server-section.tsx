import { Field } from '@/components/field';
import type { ServerKind, Webapp } from '../api/types';
import { SaveRow } from './save-row';
import { useSectionForm } from './use-section-form';

const MAX_WORKERS = 8;

/** The WSGI server that runs the app: uWSGI or gunicorn, how many workers, reload on change. */
export function ServerSection({ username, webapp }: { username: string; webapp: Webapp }) {
  const form = useSectionForm(
    username,
    webapp,
    (w) => ({ server: w.server, workers: String(w.workers), auto_reload: w.auto_reload }),
    (d) => ({ server: d.server, workers: Number(d.workers), auto_reload: d.auto_reload }),
    ['workers'],
  );
  return (
    <section className="card" aria-labelledby="server-heading">
      <h2 id="server-heading">Server</h2>
      <form onSubmit={form.submit} className="stack" noValidate>
        <div className="field">
          <label htmlFor="server-kind">WSGI server</label>
          <select id="server-kind" value={form.draft.server} onChange={(e) => form.set('server', e.target.value as ServerKind)}>
            <option value="uwsgi">uWSGI</option>
            <option value="gunicorn">gunicorn</option>
          </select>
        </div>
        <Field
          label="Workers"
          type="number"
          min={1}
          max={MAX_WORKERS}
          inputMode="numeric"
          value={form.draft.workers}
          onChange={(e) => form.set('workers', e.target.value)}
          error={form.fieldError('workers')}
          hint={`Worker processes, 1 to ${MAX_WORKERS}. Each one uses memory.`}
        />
        <label className="check">
          <input type="checkbox" checked={form.draft.auto_reload} onChange={(e) => form.set('auto_reload', e.target.checked)} />
          Reload automatically when a source file changes
        </label>
        <SaveRow label="Save server settings" saving={form.saving} saved={form.saved} error={form.generalError} slowHint="Starting the app with the new settings…" />
      </form>
    </section>
  );
}
