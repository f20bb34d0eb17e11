import { useState } from 'react';
import type { Webapp } from '../api/types';
import { SaveRow } from './save-row';
import { useSectionForm } from './use-section-form';

interface Row {
  key: string;
  value: string;
  /** Stable identity for React while keys are being typed. */
  id: number;
}

let nextId = 1;
const toRows = (env: Record<string, string>): Row[] => Object.entries(env).map(([key, value]) => ({ key, value, id: nextId++ }));

/** The app's environment variables: edited as rows, saved together (the app restarts with them). */
export function EnvVarsForm({ username, webapp }: { username: string; webapp: Webapp }) {
  const form = useSectionForm(
    username,
    webapp,
    (w) => ({ rows: toRows(w.env) }),
    (d) => ({ env: Object.fromEntries(d.rows.filter((r) => r.key.trim() !== '').map((r) => [r.key.trim(), r.value])) }),
    [],
  );
  const [focusId, setFocusId] = useState<number | null>(null);
  const rows = form.draft.rows;
  const change = (id: number, patch: Partial<Row>) => form.set('rows', rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const addRow = () => {
    const row = { key: '', value: '', id: nextId++ };
    form.set('rows', [...rows, row]);
    setFocusId(row.id);
  };
  return (
    <section className="card" aria-labelledby="env-heading">
      <h2 id="env-heading">Environment variables</h2>
      <form onSubmit={form.submit} className="stack" noValidate>
        {rows.length === 0 ? <p className="muted">None set. Your app reads them with os.environ.</p> : null}
        {rows.map((r, i) => (
          <div key={r.id} className="row wrap env-row">
            <input
              aria-label={`Name of variable ${i + 1}`}
              className="mono"
              placeholder="NAME"
              value={r.key}
              autoFocus={focusId === r.id}
              onChange={(e) => change(r.id, { key: e.target.value })}
            />
            <input aria-label={`Value of variable ${i + 1}`} className="mono grow" placeholder="value" value={r.value} onChange={(e) => change(r.id, { value: e.target.value })} />
            <button type="button" className="danger-link" aria-label={`Remove variable ${r.key || i + 1}`} onClick={() => form.set('rows', rows.filter((x) => x.id !== r.id))}>
              Remove
            </button>
          </div>
        ))}
        <div>
          <button type="button" onClick={addRow}>Add a variable</button>
        </div>
        <SaveRow label="Save environment variables" saving={form.saving} saved={form.saved} error={form.generalError} slowHint="Starting the app with the new environment…" />
      </form>
    </section>
  );
}
