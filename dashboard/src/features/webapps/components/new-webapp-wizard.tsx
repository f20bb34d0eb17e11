import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api-client';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { Page } from '@/components/page';
import type { Webapp, WebappCreate } from '../api/types';
import { useCreateSite, type Framework, type NewSite } from '../api/create-site';

const FRAMEWORKS: { value: Framework; label: string; hint: string }[] = [
  { value: 'django', label: 'Django', hint: 'An existing Django project in your files.' },
  { value: 'flask', label: 'Flask', hint: 'A Flask app; a hello-world one is created if the file does not exist.' },
  { value: 'manual', label: 'Manual configuration', hint: 'A hello-world WSGI file to edit as you like.' },
];

/** The create fields each framework's inputs fill in, beyond the domain. */
const FIELDS_OF: Record<Framework, (keyof WebappCreate)[]> = {
  django: ['django_project', 'django_settings'],
  flask: ['flask_file'],
  manual: [],
};

interface WizardProps {
  username: string;
  /** This Pyhost's base domain: the first app lives at <username>.<baseDomain>. */
  baseDomain: string;
  onCreated(app: Webapp): void;
}

/** "Add a new web app": a domain, a framework, where the code is; then create and start it. */
export function NewWebappWizard({ username, baseDomain, onCreated }: WizardProps) {
  const home = `/home/${username}`;
  const [site, setSite] = useState<NewSite>({
    domain: `${username}.${baseDomain}`,
    pythonVersion: '3.11',
    framework: 'manual',
    djangoProject: `${home}/mysite`,
    djangoSettings: 'mysite.settings',
    flaskFile: `${home}/mysite/flask_app.py`,
  });
  const create = useCreateSite(username);
  const set = <K extends keyof NewSite>(key: K, value: NewSite[K]) => setSite((s) => ({ ...s, [key]: value }));
  // The server names the input at fault by its API field; one on screen shows the error beside it.
  const failed = create.error instanceof ApiError ? create.error : null;
  const onScreen: string[] = ['domain_name', ...FIELDS_OF[site.framework]];
  const inline = failed?.field && onScreen.includes(failed.field) ? failed : null;
  const fieldError = (f: keyof WebappCreate) => (inline?.field === f ? inline.detail : null);
  const general = inline ? null : create.error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(site, { onSuccess: (app) => onCreated(app) });
  };

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
        <fieldset className="choices">
          <legend>Framework</legend>
          {FRAMEWORKS.map((f) => (
            <label key={f.value} className="choice">
              <input type="radio" name="framework" value={f.value} checked={site.framework === f.value} onChange={() => set('framework', f.value)} />
              <span>
                <strong>{f.label}</strong> <span className="muted">{f.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {site.framework === 'django' ? (
          <div className="grid-2">
            <Field
              label="Django project folder"
              value={site.djangoProject}
              onChange={(e) => set('djangoProject', e.target.value)}
              error={fieldError('django_project')}
              hint="The folder that holds manage.py."
              className="mono"
            />
            <Field
              label="Settings module"
              value={site.djangoSettings}
              onChange={(e) => set('djangoSettings', e.target.value)}
              error={fieldError('django_settings')}
              hint="e.g. mysite.settings"
              className="mono"
            />
          </div>
        ) : null}
        {site.framework === 'flask' ? (
          <Field
            label="Flask app file"
            value={site.flaskFile}
            onChange={(e) => set('flaskFile', e.target.value)}
            error={fieldError('flask_file')}
            hint="The .py file that defines app = Flask(__name__)."
            className="mono"
          />
        ) : null}
        <div className="field">
          <label htmlFor="wizard-python">Python version</label>
          <select id="wizard-python" value={site.pythonVersion} onChange={(e) => set('pythonVersion', e.target.value)}>
            <option value="3.11">Python 3.11</option>
          </select>
        </div>
        <ErrorMessage error={general} />
        <div className="row">
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create web app'}
          </button>
          <span role="status" className="muted">{create.isPending ? 'Creating the web app and starting it…' : ''}</span>
        </div>
      </form>
    </Page>
  );
}
