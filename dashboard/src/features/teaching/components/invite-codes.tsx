import { useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { formatDate, formatDay } from '@/lib/format';
import { useInvites, useWithdrawInvite, type Invite, type NewInvite } from '../api/invites';
import { InviteForm } from './invite-form';
import './teaching.css';

const STATUS_TEXT: Record<Invite['status'], string> = { active: 'active', expired: 'expired', used_up: 'used up', revoked: 'withdrawn' };
const STATUS_CLASS: Record<Invite['status'], string> = { active: 'state-active', expired: 'state-expired', used_up: 'state-used', revoked: 'state-withdrawn' };

export const inviteName = (i: Invite) => i.label || `code ${i.id}`;

/** The link just made, with a copy button: it cannot be shown again. */
export function CreatedInvite({ invite }: { invite: NewInvite }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard?.writeText(invite.link);
    setCopied(true);
  };
  return (
    <div className="notice shown-once" role="status">
      <p>
        The sign-up link for <strong>{inviteName(invite)}</strong>. <strong>Copy it now: it is shown only once</strong> (Pyhost keeps only a
        fingerprint of the code). Whoever signs up with it becomes your student.
      </p>
      <div className="created-link">
        <input aria-label="Sign-up link" readOnly value={invite.link} className="mono" onFocus={(e) => e.target.select()} />
        <button type="button" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy link'}</button>
      </div>
    </div>
  );
}

function InviteRow({ invite, showMaker, onWithdraw }: { invite: Invite; showMaker: boolean; onWithdraw(): void }) {
  return (
    <tr>
      <th scope="row" data-label="Code">{inviteName(invite)}</th>
      {showMaker ? <td data-label="Made by" className="mono">{invite.created_by}</td> : null}
      <td data-label="Uses" className="num">{invite.max_uses === null ? invite.uses : `${invite.uses} of ${invite.max_uses}`}</td>
      <td data-label="Code expires">{invite.expires_at ? formatDay(invite.expires_at) : 'never'}</td>
      <td data-label="Accounts expire">{invite.accounts_expire_at ? formatDay(invite.accounts_expire_at) : 'never'}</td>
      <td data-label="Made">{formatDate(invite.created_at)}</td>
      <td data-label="State"><span className={`badge ${STATUS_CLASS[invite.status]}`}>{STATUS_TEXT[invite.status]}</span></td>
      <td className="actions">
        {invite.status === 'revoked' ? null : (
          <button type="button" className="danger-link" aria-label={`Withdraw ${inviteName(invite)}`} onClick={onWithdraw}>Withdraw</button>
        )}
      </td>
    </tr>
  );
}

function InviteTable({ invites, me, onWithdraw }: { invites: Invite[]; me: string; onWithdraw(i: Invite): void }) {
  // An admin sees every teacher's codes: then it matters whose each one is.
  const showMaker = invites.some((i) => i.created_by !== me);
  return (
    <div className="table-wrap">
      <table className="stacked-table">
        <caption className="visually-hidden">Invite codes</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>{showMaker ? <th scope="col">Made by</th> : null}<th scope="col" className="num">Uses</th><th scope="col">Code expires</th>
            <th scope="col">Accounts expire</th><th scope="col">Made</th><th scope="col">State</th><th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {invites.map((i) => <InviteRow key={i.id} invite={i} showMaker={showMaker} onWithdraw={() => onWithdraw(i)} />)}
        </tbody>
      </table>
    </div>
  );
}

/** Make, list and withdraw invite codes. */
export function InviteCodes({ me }: { me: string }) {
  const invites = useInvites();
  const withdraw = useWithdrawInvite();
  const [withdrawing, setWithdrawing] = useState<Invite | null>(null);
  const [created, setCreated] = useState<NewInvite | null>(null);
  return (
    <section className="card" aria-labelledby="invites-heading">
      <h2 id="invites-heading">Invite codes</h2>
      <InviteForm onCreated={setCreated} />
      {created ? <CreatedInvite invite={created} /> : null}
      {invites.isPending ? <Spinner label="Loading invite codes" /> : null}
      <ErrorMessage error={invites.error} />
      {invites.data?.length === 0 ? <p>No invite codes yet.</p> : null}
      {invites.data?.length ? <InviteTable invites={invites.data} me={me} onWithdraw={setWithdrawing} /> : null}
      <ErrorMessage error={withdraw.error} />
      {withdrawing ? (
        <ConfirmDialog
          title={`Withdraw ${inviteName(withdrawing)}?`}
          confirmLabel="Withdraw code"
          danger
          busy={withdraw.isPending}
          onCancel={() => setWithdrawing(null)}
          onConfirm={() => withdraw.mutate(withdrawing.id, { onSettled: () => setWithdrawing(null) })}
        >
          <p>Its link stops working at once. Accounts already made with it stay, and stay your students.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
