import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { Page } from '@/components/page';
import type { Webapp } from '../api/types';
import { PYTHON_VERSIONS } from './python-versions';
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
        <div className="field">
          <label htmlFor="wizard-python">Python version</label>
          <select id="wizard-python" value={site.pythonVersion} onChange={(e) => set('pythonVersion', e.target.value)}>
            {PYTHON_VERSIONS.map((v) => <option key={v} value={v}>Python {v}</option>)}
          </select>
        </div>
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
