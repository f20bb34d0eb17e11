import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { useCreateInvite, type InviteRequest, type NewInvite } from '../api/invites';

interface Draft {
  label: string;
  expires_at: string;
  max_uses: string;
  accounts_expire_at: string;
}

const EMPTY: Draft = { label: '', expires_at: '', max_uses: '', accounts_expire_at: '' };

/** A datetime-local value ("2026-12-12T17:00", the reader's time) as the API's ISO 8601, or undefined when empty. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The request for a draft; a bad number is refused here, next to its field. */
export function inviteRequest(d: Draft): InviteRequest {
  const body: InviteRequest = {};
  if (d.label.trim()) body.label = d.label.trim();
  const expires = localToIso(d.expires_at);
  if (expires) body.expires_at = expires;
  const accounts = localToIso(d.accounts_expire_at);
  if (accounts) body.accounts_expire_at = accounts;
  if (d.max_uses.trim()) {
    const n = Number(d.max_uses);
    if (!Number.isInteger(n) || n < 1) throw new ApiError(400, 'a whole number, 1 or more (or empty for no limit)', 'max_uses');
    body.max_uses = n;
  }
  return body;
}

/** Makes an invite code: a name for it, how long and how often it works, and when the accounts it makes end. */
export function InviteForm({ onCreated }: { onCreated(invite: NewInvite): void }) {
  const create = useCreateInvite();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [local, setLocal] = useState<ApiError | null>(null);
  const error = local ?? create.error;
  const fieldError = (name: keyof Draft) => (error instanceof ApiError && error.field === name ? error.detail : null);
  const general = error instanceof ApiError && error.field && error.field in EMPTY ? null : error;
  const set = (name: keyof Draft) => (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setLocal(null);
    let body: InviteRequest;
    try {
      body = inviteRequest(draft);
    } catch (err) {
      return setLocal(err as ApiError);
    }
    create.mutate(body, { onSuccess: (invite) => { setDraft(EMPTY); onCreated(invite); } });
  };

  return (
    <form onSubmit={submit} className="stack" noValidate aria-label="New invite code">
      <div className="invite-form">
        <Field label="Label" value={draft.label} onChange={set('label')} maxLength={100} placeholder="Django Girls, 12 December" error={fieldError('label')} />
        <Field label="Code expires (optional)" type="datetime-local" value={draft.expires_at} onChange={set('expires_at')} error={fieldError('expires_at')} hint="After this the link no longer works." />
        <Field label="Max uses (optional)" type="number" inputMode="numeric" min={1} value={draft.max_uses} onChange={set('max_uses')} error={fieldError('max_uses')} hint="How many accounts it can make." />
        <Field label="Accounts expire (optional)" type="datetime-local" value={draft.accounts_expire_at} onChange={set('accounts_expire_at')} error={fieldError('accounts_expire_at')} hint="For a workshop: its accounts are disabled then, never deleted." />
      </div>
      <ErrorMessage error={general} />
      <div>
        <button type="submit" className="primary" disabled={create.isPending}>{create.isPending ? 'Creating…' : 'Create invite code'}</button>
      </div>
    </form>
  );
}
