import { useState } from 'react';
import { useUsers } from '../api/users';
import type { BulkAccount } from '../api/types';
import { BulkCreateForm } from './bulk-create-form';
import { BulkResults } from './bulk-results';
import { CreateUserForm } from './create-user-form';
import { LoginSheet } from './login-sheet';

/**
 * Adding accounts: one, or a whole class. The passwords of a class live only
 * in this page's memory, for the results table and the login sheet.
 */
export function AddAccountsPage() {
  const users = useUsers();
  const teachers = (users.data ?? []).filter((u) => u.is_teacher && !u.disabled).map((u) => u.username);
  const [created, setCreated] = useState<BulkAccount[] | null>(null);
  const [printing, setPrinting] = useState(false);

  if (created && printing) return <LoginSheet accounts={created} dashboardUrl={`${window.location.origin}/`} onBack={() => setPrinting(false)} />;
  return (
    <div className="stack">
      {created ? (
        <BulkResults accounts={created} onPrint={() => setPrinting(true)} onDone={() => setCreated(null)} />
      ) : (
        <BulkCreateForm teachers={teachers} onCreated={setCreated} />
      )}
      <CreateUserForm teachers={teachers} />
    </div>
  );
}
