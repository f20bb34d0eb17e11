import { ErrorMessage } from '@/components/error-message';
import { useUpdateSettings } from '../api/settings';

/** Whether users may put their sites at a domain of their own; takes effect (and is kept) as soon as it is switched. */
export function CustomDomainsSwitch({ allowed }: { allowed: boolean }) {
  const save = useUpdateSettings();
  // While the change is on its way, show where the switch is going, not where it was.
  const checked = save.isPending && save.variables.custom_domains !== undefined ? save.variables.custom_domains : allowed;
  return (
    <section className="card stack" aria-labelledby="custom-domains-heading">
      <h2 id="custom-domains-heading">Custom domains</h2>
      <label className="check">
        <input
          type="checkbox"
          role="switch"
          checked={checked}
          disabled={save.isPending}
          aria-describedby="custom-domains-hint"
          onChange={(e) => save.mutate({ custom_domains: e.target.checked })}
        />
        Allow custom domains
      </label>
      <p id="custom-domains-hint" className="hint">
        Users may then give a web app or website a domain of their own (www.example.org), pointing its DNS here themselves, up to each account’s Custom domains limit.
      </p>
      <ErrorMessage error={save.error} title="Could not change it" />
      {save.isSuccess && !save.isPending ? <span className="ok" role="status">Saved</span> : null}
    </section>
  );
}
