import { useQueryClient } from '@tanstack/react-query';
import { Page } from '@/components/page';
import { meQueryKey } from '@/features/auth/api/get-me';
import { CpuAllowance } from '@/features/cpu/components/cpu-allowance';
import { DiskQuota } from '@/features/disk/components/disk-quota';
import { AuditLog } from '@/features/teaching/components/audit-log';
import { MyTeacher } from '@/features/teaching/components/my-teacher';
import { ApiTokens } from '@/features/tokens/components/api-tokens';
import { formatDay } from '@/lib/format';
import { useCurrentUser } from '../layout';

export function AccountRoute() {
  const me = useCurrentUser();
  const client = useQueryClient();
  return (
    <Page title="Account">
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">You</h2>
        <dl className="facts">
          <dt>Username</dt>
          <dd>{me.username}{me.is_admin ? ' (administrator)' : ''}{me.is_teacher ? ' (teacher)' : ''}</dd>
          <dt>Home folder</dt>
          <dd className="mono">/home/{me.username}</dd>
          <dt>Your first web app</dt>
          <dd className="mono">{me.username}.{me.domain}</dd>
        </dl>
        {me.expires_at ? (
          <p>
            This account expires on <strong>{formatDay(me.expires_at)}</strong>. It is then disabled (your files are kept, but you cannot log in
            and your web apps stop): ask your teacher or an administrator if you need it longer.
          </p>
        ) : null}
      </section>
      <CpuAllowance username={me.username} />
      <DiskQuota username={me.username} />
      <MyTeacher teacher={me.teacher} onChanged={() => void client.invalidateQueries({ queryKey: meQueryKey })} />
      <AuditLog />
      <ApiTokens username={me.username} />
    </Page>
  );
}
