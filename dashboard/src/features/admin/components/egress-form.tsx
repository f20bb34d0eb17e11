import { useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { ApiError } from '@/lib/api-client';
import type { EgressMode } from '../api/types';
import { useUpdateSettings } from '../api/settings';

const MODES: Record<EgressMode, { title: string; text: string }> = {
  none: { title: 'None', text: 'Users’ code cannot reach the internet; pip installs only from the wheels an admin put on this server.' },
  allowlist: { title: 'Allowlist', text: 'Users’ code can reach only the sites listed below (by default PyPI, GitHub and python.org).' },
  open: { title: 'Open', text: 'Users’ code can reach any public address, but never this server or its local network.' },
};

const toLines = (allow: readonly string[]) => allow.join('\n');
const fromLines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/**
 * Users' internet access. The mode is PYHOST_EGRESS (their containers are
 * made for it); the allowlist takes effect as soon as it is saved, and is
 * kept across restarts.
 */
export function EgressForm({ mode, allow }: { mode: EgressMode; allow: readonly string[] }) {
  const save = useUpdateSettings();
  const [text, setText] = useState(() => toLines(allow));
  const ids = { text: useId(), hint: useId(), error: useId() };
  const fieldError = save.error instanceof ApiError && save.error.field === 'egress_allow' ? save.error.detail : null;
  const unchanged = toLines(fromLines(text)) === toLines(allow);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ egress_allow: fromLines(text) }, { onSuccess: (s) => setText(toLines(s.egress_allow)) });
  };
  return (
    <section className="card stack" aria-labelledby="egress-heading">
      <h2 id="egress-heading">Internet access for users’ code</h2>
      <p>
        <strong>{MODES[mode].title}</strong>: {MODES[mode].text} The mode is set by <code>PYHOST_EGRESS</code> on the server.
      </p>
      {mode === 'allowlist' ? (
        <form className="stack" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={ids.text}>Allowed sites, one a line</label>
            <textarea
              id={ids.text}
              className="mono"
              rows={Math.min(12, Math.max(4, allow.length + 1))}
              value={text}
              onChange={(e) => setText(e.target.value)}
              spellCheck={false}
              autoCapitalize="none"
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={[ids.hint, fieldError ? ids.error : ''].filter(Boolean).join(' ')}
            />
            <small id={ids.hint} className="hint">
              A name such as <code>pypi.org</code> allows that host; <code>.pypi.org</code> allows the domain and every name below it.
            </small>
            {fieldError ? <small id={ids.error} className="field-error">{fieldError}</small> : null}
          </div>
          {fieldError ? null : <ErrorMessage error={save.error} title="Could not save the list" />}
          <div className="row">
            <button type="submit" className="primary" disabled={unchanged || save.isPending}>{save.isPending ? 'Saving…' : 'Save allowed sites'}</button>
            {save.isSuccess && unchanged ? <span className="ok" role="status">Saved</span> : null}
          </div>
        </form>
      ) : null}
    </section>
  );
}
