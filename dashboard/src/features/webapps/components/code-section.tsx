import { Link } from 'react-router';
import { Field } from '@/components/field';
import { PythonVersionSelect } from '@/components/python-version-select';
import { wsgiFilePath } from '@/lib/paths';
import { usePaths } from '@/lib/viewed-account';
import type { Webapp, WebappPatch } from '../api/types';
import { SaveRow } from './save-row';
import { orNull, useSectionForm } from './use-section-form';

interface CodeDraft {
  source_directory: string;
  working_directory: string;
  virtualenv_path: string;
  python_version: string;
}

const codeDraft = (w: Webapp): CodeDraft => ({
  source_directory: w.source_directory ?? '',
  working_directory: w.working_directory ?? '',
  virtualenv_path: w.virtualenv_path ?? '',
  python_version: w.python_version,
});

const codePatch = (d: CodeDraft): WebappPatch => ({
  source_directory: orNull(d.source_directory),
  working_directory: orNull(d.working_directory),
  virtualenv_path: orNull(d.virtualenv_path),
  python_version: d.python_version,
});

const CODE_INLINE_FIELDS = ['source_directory', 'working_directory', 'virtualenv_path'] as const;

/** The app's WSGI file is not a setting: it is always at the domain's path, opened in the editor. */
function WsgiFileLink({ domain }: { domain: string }) {
  const paths = usePaths();
  const wsgi = wsgiFilePath(domain);
  return (
    <div className="field">
      <span className="label">WSGI configuration file</span>
      <Link to={paths.edit(wsgi)} className="mono">{wsgi}</Link>
    </div>
  );
}

/** Code and Virtualenv: where the app's source lives and which Python runs it. */
export function CodeSection({ username, webapp }: { username: string; webapp: Webapp }) {
  const form = useSectionForm(username, webapp, codeDraft, codePatch, CODE_INLINE_FIELDS);
  return (
    <section className="card" aria-labelledby="code-heading">
      <h2 id="code-heading">Code</h2>
      <form onSubmit={form.submit} className="stack" noValidate>
        <Field
          label="Source code"
          value={form.draft.source_directory}
          onChange={(e) => form.set('source_directory', e.target.value)}
          error={form.fieldError('source_directory')}
          hint="Put first on sys.path."
          className="mono"
        />
        <Field
          label="Working directory"
          value={form.draft.working_directory}
          onChange={(e) => form.set('working_directory', e.target.value)}
          error={form.fieldError('working_directory')}
          className="mono"
        />
        <WsgiFileLink domain={webapp.domain_name} />
        <PythonVersionSelect id="python-version" value={form.draft.python_version} onChange={(v) => form.set('python_version', v)} />
        <h3>Virtualenv</h3>
        <Field
          label="Virtualenv path"
          placeholder={`/home/${username}/.virtualenvs/myenv`}
          value={form.draft.virtualenv_path}
          onChange={(e) => form.set('virtualenv_path', e.target.value)}
          error={form.fieldError('virtualenv_path')}
          hint={`Leave empty to use the system Python with Django and Flask installed. Make it with python${form.draft.python_version} -m venv: a virtualenv of another Python does not run here.`}
          className="mono"
        />
        <SaveRow label="Save code settings" saving={form.saving} saved={form.saved} error={form.generalError} slowHint="Starting the app with the new settings…" />
      </form>
    </section>
  );
}
