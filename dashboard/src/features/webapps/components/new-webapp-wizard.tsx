import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { Page } from '@/components/page';
import { PythonVersionSelect } from '@/components/python-version-select';
import type { Webapp } from '../api/types';
import { useNewSiteForm } from './use-new-site-form';
import { FrameworkChoice, FrameworkFields } from './wizard-framework-fields';

interface WizardProps {
  username: string;
  /** This Pyhost's base domain: the first app lives at <username>.<baseDomain>. */
  baseDomain: string;
  onCreated(app: Webapp): void;
}

/** "Add a new web app": a domain, a framework, where the code is; then create and start it. */
export function NewWebappWizard({ username, baseDomain, onCreated }: WizardProps) {
  const { site, set, fieldError, generalError, submit, creating } = useNewSiteForm(username, baseDomain, onCreated);
  return (
    <Page title="Add a new web app">
      <form onSubmit={submit} className="card stack wizard">
        <Field
          label="Domain name"
          value={site.domain}
          onChange={(e) => set('domain', e.target.value)}
          error={fieldError('domain_name')}
          hint={`Your first app usually lives at ${username}.${baseDomain}; names ending in .${username}.${baseDomain} or a domain of your own work too.`}
          className="mono"
          autoCapitalize="none"
          spellCheck={false}
        />
        <FrameworkChoice value={site.framework} onChange={(f) => set('framework', f)} />
        <FrameworkFields site={site} set={set} fieldError={fieldError} />
        <PythonVersionSelect id="wizard-python" value={site.pythonVersion} onChange={(v) => set('pythonVersion', v)} />
        <ErrorMessage error={generalError} />
        <div className="row">
          <button type="submit" className="primary" disabled={creating}>
            {creating ? 'Creating…' : 'Create web app'}
          </button>
          <span role="status" className="muted">{creating ? 'Creating the web app and starting it…' : ''}</span>
        </div>
      </form>
    </Page>
  );
}
