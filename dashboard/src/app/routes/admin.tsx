import { Page } from '@/components/page';

/** The Admin section: accounts, archives, sign-up and limits (admins only). */
export function AdminRoute() {
  return (
    <Page title="Admin">
      <p>Accounts of this Pyhost.</p>
    </Page>
  );
}
