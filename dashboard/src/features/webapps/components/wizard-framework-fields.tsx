import { Field } from '@/components/field';
import type { Framework, NewSite } from '../api/create-site';
import type { SetSiteField, SiteFieldError } from './use-new-site-form';

const FRAMEWORKS: { value: Framework; label: string; hint: string }[] = [
  { value: 'django', label: 'Django', hint: 'An existing Django project in your files.' },
  { value: 'flask', label: 'Flask', hint: 'A Flask app; a hello-world one is created if the file does not exist.' },
  { value: 'manual', label: 'Manual configuration', hint: 'A hello-world WSGI file to edit as you like.' },
];

interface SiteFieldsProps {
  site: NewSite;
  set: SetSiteField;
  fieldError: SiteFieldError;
}

/** The radio group choosing Django, Flask or a manual WSGI file. */
export function FrameworkChoice({ value, onChange }: { value: Framework; onChange(framework: Framework): void }) {
  return (
    <fieldset className="choices">
      <legend>Framework</legend>
      {FRAMEWORKS.map((f) => (
        <label key={f.value} className="choice">
          <input type="radio" name="framework" value={f.value} checked={value === f.value} onChange={() => onChange(f.value)} />
          <span>
            <strong>{f.label}</strong> <span className="muted">{f.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function DjangoFields({ site, set, fieldError }: SiteFieldsProps) {
  return (
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
  );
}

function FlaskFields({ site, set, fieldError }: SiteFieldsProps) {
  return (
    <Field
      label="Flask app file"
      value={site.flaskFile}
      onChange={(e) => set('flaskFile', e.target.value)}
      error={fieldError('flask_file')}
      hint="The .py file that defines app = Flask(__name__)."
      className="mono"
    />
  );
}

/** Where the chosen framework's code is; a manual configuration asks for nothing more. */
export function FrameworkFields(props: SiteFieldsProps) {
  if (props.site.framework === 'django') return <DjangoFields {...props} />;
  if (props.site.framework === 'flask') return <FlaskFields {...props} />;
  return null;
}
