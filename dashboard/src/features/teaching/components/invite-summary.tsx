import { formatDay } from '@/lib/format';
import type { InviteCheck } from '../api/invites';

/** On the sign-up page: whose class a link joins, until when, or why it cannot. */
export function InviteSummary({ check }: { check: InviteCheck }) {
  if (!check.valid) {
    return (
      <div role="alert" className="error-message">
        {check.reason ?? 'This sign-up link cannot be used: ask your teacher for a new one.'}
      </div>
    );
  }
  return (
    <div className="notice" role="status">
      <p>
        You are joining the class of <strong className="mono">{check.teacher}</strong>: they will be your teacher and can open your web apps,
        files and consoles to help you (you can see everything they do, and remove them, on your Account page).
      </p>
      {check.accounts_expire_at ? (
        <p>This account expires on <strong>{formatDay(check.accounts_expire_at)}</strong>: it is then disabled, and your files are kept.</p>
      ) : null}
    </div>
  );
}
