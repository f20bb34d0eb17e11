import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { useUpdateDefaultLimits } from '../api/settings';
import type { Limits } from '../api/types';
import { LIMIT_FIELDS, type LimitDrafts } from '../lib/limits';
import { generalError, LimitFields } from './limit-fields';

const draftsOf = (limits: Limits) => Object.fromEntries(LIMIT_FIELDS.map((f) => [f.name, String(limits[f.name])])) as LimitDrafts;

/** Only the limits whose value changed. */
function changed(limits: Limits, drafts: LimitDrafts): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const { name } of LIMIT_FIELDS) if (drafts[name].trim() !== '' && Number(drafts[name]) !== limits[name]) out[name] = Number(drafts[name]);
  return out;
}

/** The instance's limits, for every account without its own. */
export function DefaultLimitsForm({ limits }: { limits: Limits }) {
  const save = useUpdateDefaultLimits();
  const [drafts, setDrafts] = useState(() => draftsOf(limits));
  const patch = changed(limits, drafts);
  const dirty = Object.keys(patch).length > 0;
  const general = generalError(save.error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dirty) save.mutate(patch);
  };
  return (
    <form className="card stack" aria-labelledby="default-limits-heading" onSubmit={submit} noValidate>
      <h2 id="default-limits-heading">Default limits</h2>
      <p className="hint">What every account may use unless it has its own limits (set on the account’s page, or by the invite code it joined with).</p>
      <LimitFields drafts={drafts} setDrafts={setDrafts} error={save.error} required />
      <ErrorMessage error={general} />
      <div className="row">
        <button type="submit" className="primary" disabled={!dirty || save.isPending}>{save.isPending ? 'Saving…' : 'Save default limits'}</button>
        {save.isSuccess && !dirty ? <span className="ok" role="status">Saved</span> : null}
      </div>
    </form>
  );
}
