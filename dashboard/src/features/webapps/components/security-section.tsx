import { Field } from '@/components/field';
import type { Webapp } from '../api/types';
import { SaveRow } from './save-row';
import { useSectionForm } from './use-section-form';

/** Force HTTPS, HSTS and password protection (HTTP basic auth applied by the router). */
export function SecuritySection({ username, webapp }: { username: string; webapp: Webapp }) {
  const form = useSectionForm(
    username,
    webapp,
    (w) => ({
      force_https: w.force_https,
      hsts_enabled: w.hsts_enabled,
      password_protection_enabled: w.password_protection_enabled,
      password_protection_username: w.password_protection_username ?? '',
      password_protection_password: '',
    }),
    (d) => ({
      force_https: d.force_https,
      hsts_enabled: d.hsts_enabled,
      password_protection_enabled: d.password_protection_enabled,
      password_protection_username: d.password_protection_username.trim() || null,
      // The password is stored hashed and never shown: send one only when typed.
      ...(d.password_protection_password ? { password_protection_password: d.password_protection_password } : {}),
    }),
    ['password_protection_username', 'password_protection_password'],
  );
  const on = form.draft.password_protection_enabled;
  return (
    <section className="card" aria-labelledby="security-heading">
      <h2 id="security-heading">Security</h2>
      <form onSubmit={form.submit} className="stack" noValidate>
        <label className="check">
          <input type="checkbox" checked={form.draft.force_https} onChange={(e) => form.set('force_https', e.target.checked)} />
          Force HTTPS (visitors on http:// are redirected)
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.draft.hsts_enabled}
            onChange={(e) => form.set('hsts_enabled', e.target.checked)}
            aria-describedby="hsts-hint"
          />
          HSTS (Strict-Transport-Security)
        </label>
        <p id="hsts-hint" className="muted">
          Browsers that visit over HTTPS then use only HTTPS for this domain for a year: turn it on once HTTPS works, as it cannot be taken back from them sooner.
        </p>
        <label className="check">
          <input type="checkbox" checked={on} onChange={(e) => form.set('password_protection_enabled', e.target.checked)} />
          Password protection
        </label>
        <div className="grid-2">
          <Field
            label="Username for visitors"
            autoComplete="off"
            value={form.draft.password_protection_username}
            onChange={(e) => form.set('password_protection_username', e.target.value)}
            error={form.fieldError('password_protection_username')}
            disabled={!on}
          />
          <Field
            label="Password for visitors"
            type="password"
            autoComplete="new-password"
            placeholder={webapp.password_protection_enabled ? 'unchanged' : ''}
            value={form.draft.password_protection_password}
            onChange={(e) => form.set('password_protection_password', e.target.value)}
            error={form.fieldError('password_protection_password')}
            disabled={!on}
          />
        </div>
        <SaveRow label="Save security settings" saving={form.saving} saved={form.saved} error={form.generalError} />
      </form>
    </section>
  );
}
