import { Page } from '@/components/page';
import { ApiTokens } from '@/features/tokens/components/api-tokens';
import { useCurrentUser } from '../layout';

export function AccountRoute() {
  const me = useCurrentUser();
  return (
    <Page title="Account">
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">You</h2>
        <dl className="facts">
          <dt>Username</dt>
          <dd>{me.username}{me.is_admin ? ' (administrator)' : ''}</dd>
          <dt>Home folder</dt>
          <dd className="mono">/home/{me.username}</dd>
          <dt>Your first web app</dt>
          <dd className="mono">{me.username}.{me.domain}</dd>
        </dl>
      </section>
      <ApiTokens username={me.username} />
    </Page>
  );
}
