import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { useSetUserLimits } from '../api/users';
import type { AdminUser, Limits } from '../api/types';
import { limitChanges, overrideDrafts } from '../lib/limits';
import { generalError, LimitFields } from './limit-fields';

/** One account's own limits beside the instance's defaults. */
export function UserLimitsForm({ user, defaults }: { user: AdminUser; defaults: Limits | undefined }) {
  const save = useSetUserLimits(user.username);
  const [drafts, setDrafts] = useState(() => overrideDrafts(user));
  const changes = limitChanges(user, drafts);
  const dirty = Object.keys(changes).length > 0;
  const general = generalError(save.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) save.mutate(changes);
  };

  return (
    <form className="card stack" aria-labelledby="limits-heading" onSubmit={submit} noValidate>
      <h2 id="limits-heading">Limits</h2>
      <p className="hint">An empty field uses this Pyhost’s default. Going over a limit is refused with a message naming it.</p>
      <LimitFields
        drafts={drafts}
        setDrafts={setDrafts}
        error={save.error}
        placeholder={(name) => (defaults ? `default ${defaults[name]}` : 'default')}
        hint={(name) => `now ${user.limits[name]}${user.overrides[name] === undefined ? ' (the default)' : ''}`}
      />
      <ErrorMessage error={general} />
      <div className="row">
        <button type="submit" className="primary" disabled={!dirty || save.isPending}>{save.isPending ? 'Saving…' : 'Save limits'}</button>
        {save.isSuccess && !dirty ? <span className="ok" role="status">Saved</span> : null}
      </div>
    </form>
  );
}
