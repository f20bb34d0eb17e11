import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { ApiError } from '@/lib/api-client';
import { usePaths } from '@/lib/viewed-account';
import { useStartConsole } from '../api/consoles';

const KINDS = [
  { executable: 'bash', label: 'Bash' },
  { executable: 'python3', label: 'Python 3' },
] as const;

/** Start a Bash or Python console, optionally in a folder, and open it. */
export function StartConsoleForm({ username }: { username: string }) {
  const start = useStartConsole(username);
  const navigate = useNavigate();
  const paths = usePaths();
  const [folder, setFolder] = useState('');
  const fieldError = start.error instanceof ApiError && start.error.field === 'working_directory' ? start.error.detail : null;

  const launch = (executable: string) =>
    start.mutate(
      { executable, working_directory: folder.trim() || null },
      { onSuccess: (c) => navigate(paths.console(c.id)) },
    );

  return (
    <section className="card" aria-labelledby="start-console-heading">
      <h2 id="start-console-heading">Start a new console</h2>
      <div className="row wrap align-end">
        <Field
          label="Working directory (optional)"
          className="grow"
          value={folder}
          onChange={(e) => setFolder(e.target.value)}
          placeholder={`/home/${username}`}
          hint="Where the console starts; ~/mysite works too."
          error={fieldError}
        />
        {KINDS.map((k) => (
          <button key={k.executable} type="button" className="primary" disabled={start.isPending} onClick={() => launch(k.executable)}>
            {k.label}
          </button>
        ))}
      </div>
      {fieldError ? null : <ErrorMessage error={start.error} />}
    </section>
  );
}
