import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { formatBytes, formatDate } from '@/lib/format';
import { useDefaultLimits } from '../api/settings';
import { useSetDisabled, useUsers } from '../api/users';
import type { AdminUser } from '../api/types';
import { adminPaths } from '../lib/paths';
import { roles, userState } from '../lib/user-table';
import { AccountForm } from './account-form';
import { DeleteUserDialog } from './delete-user-dialog';
import { PasswordSection } from './password-section';
import { DisableDialog } from './set-disabled-dialog';
import { UserLimitsForm } from './user-limits-form';

function Facts({ user }: { user: AdminUser }) {
  return (
    <dl className="facts">
      <dt>State</dt>
      <dd><span className={`badge account-${userState(user).kind}`}>{userState(user).label}</span></dd>
      <dt>Roles</dt>
      <dd>{roles(user) || 'none'}</dd>
      <dt>Teacher</dt>
      <dd>{user.teacher ?? 'none'}</dd>
      <dt>Students</dt>
      <dd>{user.students}</dd>
      <dt>Web apps</dt>
      <dd>{user.webapps.length === 0 ? 'none' : <ul className="plain inline-list">{user.webapps.map((d) => <li key={d} className="mono">{d}</li>)}</ul>}</dd>
      <dt>Consoles open</dt>
      <dd>{user.consoles}</dd>
      <dt>Disk used</dt>
      <dd>{user.disk_bytes === null ? 'not measured yet' : formatBytes(user.disk_bytes)}</dd>
      <dt>Created</dt>
      <dd>{formatDate(user.created_at)}</dd>
      <dt>Last login</dt>
      <dd>{formatDate(user.last_login_at)}</dd>
      <dt>uid</dt>
      <dd className="mono">{user.uid}</dd>
    </dl>
  );
}

/** Disable or enable, and delete: what takes things away from the account. */
function DangerZone({ user, self }: { user: AdminUser; self: boolean }) {
  const toggle = useSetDisabled();
  const navigate = useNavigate();
  const [asking, setAsking] = useState<'disable' | 'delete' | null>(null);
  if (self) return <p className="hint">You cannot disable or delete your own account; another admin can.</p>;
  const setDisabled = (disabled: boolean) => toggle.mutate({ username: user.username, disabled }, { onSuccess: () => setAsking(null) });
  return (
    <section className="card danger-zone" aria-labelledby="danger-heading">
      <h2 id="danger-heading">Disable or delete</h2>
      <div className="row wrap">
        {user.disabled ? (
          <button type="button" onClick={() => setDisabled(false)} disabled={toggle.isPending || user.disabled_reason === 'deleting'}>Enable {user.username}</button>
        ) : (
          <button type="button" onClick={() => { toggle.reset(); setAsking('disable'); }}>Disable {user.username}</button>
        )}
        <button type="button" className="danger" onClick={() => setAsking('delete')}>Delete {user.username}…</button>
      </div>
      {asking === 'disable' ? null : <ErrorMessage error={toggle.error} />}
      {asking === 'disable' ? (
        <DisableDialog username={user.username} busy={toggle.isPending} error={toggle.error} onConfirm={() => setDisabled(true)} onCancel={() => setAsking(null)} />
      ) : null}
      {asking === 'delete' ? (
        <DeleteUserDialog
          username={user.username}
          onCancel={() => setAsking(null)}
          onDeleted={(archive) => navigate(adminPaths.users, { state: { notice: archive ? `${user.username} is deleted; their files are archived as ${archive}.` : `${user.username} is deleted, and their files erased.` } })}
        />
      ) : null}
    </section>
  );
}

/** Everything about one account, and every change an admin can make to it. */
export function UserPage({ username, me }: { username: string; me: string }) {
  const users = useUsers();
  const defaults = useDefaultLimits();
  if (users.isPending) return <Spinner label="Loading the account" />;
  if (users.error) return <ErrorMessage error={users.error} title="Could not load the account" />;
  const user = users.data.find((u) => u.username === username);
  if (!user) return <p role="alert">There is no account named {username}. <Link to={adminPaths.users}>All accounts</Link></p>;
  const teachers = users.data.filter((u) => u.is_teacher).map((u) => u.username);
  const self = user.username === me;
  return (
    <div className="stack">
      <p><Link to={adminPaths.users}>← All accounts</Link></p>
      <section className="card" aria-labelledby="user-heading">
        <h2 id="user-heading">{user.username}</h2>
        <Facts user={user} />
      </section>
      <AccountForm key={`account-${user.username}`} user={user} teachers={teachers} self={self} />
      <PasswordSection username={user.username} />
      <UserLimitsForm key={`limits-${user.username}`} user={user} defaults={defaults.data} />
      <DangerZone user={user} self={self} />
    </div>
  );
}
