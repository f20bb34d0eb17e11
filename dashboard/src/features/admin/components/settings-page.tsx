import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useDefaultLimits, useSettings } from '../api/settings';
import { CustomDomainsSwitch } from './custom-domains-switch';
import { DefaultLimitsForm } from './default-limits-form';
import { EgressForm } from './egress-form';
import { SignupModeForm } from './signup-mode-form';

/** Instance-wide choices: who may sign up, whether custom domains are allowed, users' internet access, and the default limits. */
export function SettingsPage() {
  const settings = useSettings();
  const limits = useDefaultLimits();
  return (
    <div className="stack">
      {settings.isPending ? <Spinner label="Loading the settings" /> : null}
      <ErrorMessage error={settings.error} title="Could not load the settings" />
      {settings.data ? <SignupModeForm current={settings.data.signup} /> : null}
      {settings.data ? <CustomDomainsSwitch allowed={settings.data.custom_domains} /> : null}
      {/* An api older than the egress setting answers without it. */}
      {settings.data?.egress ? <EgressForm mode={settings.data.egress} allow={settings.data.egress_allow ?? []} /> : null}
      {limits.isPending ? <Spinner label="Loading the default limits" /> : null}
      <ErrorMessage error={limits.error} title="Could not load the default limits" />
      {limits.data ? <DefaultLimitsForm limits={limits.data} /> : null}
    </div>
  );
}
