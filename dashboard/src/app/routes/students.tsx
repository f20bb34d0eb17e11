import { Link } from 'react-router';
import { Page } from '@/components/page';
import { InviteCodes } from '@/features/teaching/components/invite-codes';
import { StudentsList } from '@/features/teaching/components/students-table';
import { paths } from '@/lib/paths';
import { useCurrentUser } from '../layout';

/** A teacher's students and invite codes (teachers and admins). */
export function StudentsRoute() {
  const me = useCurrentUser();
  if (!me.is_teacher && !me.is_admin) {
    return (
      <Page title="Students">
        <p>
          Only teachers have students. An administrator can mark your account as a teacher; to have a teacher yourself, name them on your{' '}
          <Link to={paths.account}>Account</Link> page.
        </p>
      </Page>
    );
  }
  return (
    <Page title="Students">
      <p>
        Open a student's Web tab, files or consoles to help them: you see their dashboard with a banner, and what you do there is written into
        their audit log, which they read on their Account page.
      </p>
      <StudentsList teacher={me.username} />
      <InviteCodes me={me.username} />
    </Page>
  );
}
