import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { useSetUserLimits } from '../api/users';
import type { AdminUser, LimitName, Limits } from '../api/types';
import { LIMIT_FIELDS, limitChanges, overrideDrafts } from '../lib/limits';

/** One account's own limits beside the instance's defaults. */
export function UserLimitsForm({ user, defaults }: { user: AdminUser; defaults: Limits | undefined }) {
  const save = useSetUserLimits(user.username);
  const [drafts, setDrafts] = useState(() => overrideDrafts(user));
  const changes = limitChanges(user, drafts);
  const dirty = Object.keys(changes).length > 0;
  const fieldError = (name: LimitName) => (save.error instanceof ApiError && save.error.field === `limits.${name}` ? save.error.detail : null);
  const general = save.error instanceof ApiError && save.error.field?.startsWith('limits.') ? null : save.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) save.mutate(changes);
  };

  return (
    <form className="card stack" aria-labelledby="limits-heading" onSubmit={submit} noValidate>
      <h2 id="limits-heading">Limits</h2>
      <p className="hint">An empty field uses this Pyhost’s default. Going over a limit is refused with a message naming it.</p>
      <div className="limits-grid">
        {LIMIT_FIELDS.map((f) => (
          <Field
            key={f.name}
            label={f.label}
            type="number"
            inputMode="numeric"
            min={f.min}
            max={f.max}
            value={drafts[f.name]}
            placeholder={defaults ? `default ${defaults[f.name]}` : 'default'}
            onChange={(e) => setDrafts((d) => ({ ...d, [f.name]: e.target.value }))}
            hint={`now ${user.limits[f.name]}${user.overrides[f.name] === undefined ? ' (the default)' : ''}`}
            error={fieldError(f.name)}
          />
        ))}
      </div>
      <ErrorMessage error={general} />
      <div className="row">
        <button type="submit" className="primary" disabled={!dirty || save.isPending}>{save.isPending ? 'Saving…' : 'Save limits'}</button>
        {save.isSuccess && !dirty ? <span className="ok" role="status">Saved</span> : null}
      </div>
    </form>
  );
}
