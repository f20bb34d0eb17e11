import { NavLink, Route, Routes, useParams } from 'react-router';
import { Page } from '@/components/page';
import { AddAccountsPage } from '@/features/admin/components/add-accounts-page';
import { ArchivesPage } from '@/features/admin/components/archives-page';
import { SettingsPage } from '@/features/admin/components/settings-page';
import { UserPage } from '@/features/admin/components/user-page';
import { UsersPage } from '@/features/admin/components/users-page';
import { adminPaths } from '@/features/admin/lib/paths';
import { NotFound } from '../route-error';
import { useCurrentUser } from '../layout';

function AdminNav() {
  return (
    <nav aria-label="Admin" className="tabs no-print">
      <NavLink to={adminPaths.users} end className={({ isActive }) => `tab${isActive ? ' active' : ''}`}>Accounts</NavLink>
      <NavLink to={adminPaths.add} className={({ isActive }) => `tab${isActive ? ' active' : ''}`}>Add accounts</NavLink>
      <NavLink to={adminPaths.archives} className={({ isActive }) => `tab${isActive ? ' active' : ''}`}>Archives</NavLink>
      <NavLink to={adminPaths.settings} className={({ isActive }) => `tab${isActive ? ' active' : ''}`}>Settings</NavLink>
    </nav>
  );
}

function UserRoute({ me }: { me: string }) {
  const { username = '' } = useParams();
  return <UserPage key={username} username={username} me={me} />;
}

/** The Admin section: accounts, archives, sign-up and limits (admins only). */
export function AdminRoute() {
  const me = useCurrentUser();
  if (!me.is_admin) {
    return (
      <Page title="Admin">
        <p role="alert" className="notice">This section is for administrators only. Ask an administrator of this Pyhost if an account or a setting needs changing.</p>
      </Page>
    );
  }
  return (
    <Page title="Admin">
      <AdminNav />
      <Routes>
        <Route index element={<UsersPage />} />
        <Route path="users/:username" element={<UserRoute me={me.username} />} />
        <Route path="new" element={<AddAccountsPage />} />
        <Route path="archives" element={<ArchivesPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Page>
  );
}
