import { useState, type FormEvent } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { useCreateAlwaysOnTask, useUpdateAlwaysOnTask } from '../api/always-on';
import type { AlwaysOnTask } from '../api/types';
import { commandError, descriptionError } from '../lib/schedule';
import { splitServerError } from '../lib/server-errors';

interface AlwaysOnFormProps {
  username: string;
  task?: AlwaysOnTask;
  onDone?(task: AlwaysOnTask): void;
  onCancel?(): void;
}

const FIELDS = ['command', 'description'] as const;
type Fields = (typeof FIELDS)[number];

/** An always-on task's command: started at once, and restarted whenever it exits. */
export function AlwaysOnForm({ username, task, onDone, onCancel }: AlwaysOnFormProps) {
  const create = useCreateAlwaysOnTask(username);
  const update = useUpdateAlwaysOnTask(username);
  const mutation = task ? update : create;
  const [values, setValues] = useState({ command: task?.command ?? '', description: task?.description ?? '' });
  const [touched, setTouched] = useState<Partial<Record<Fields, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const checks: Partial<Record<Fields, string>> = { command: commandError(values.command), description: descriptionError(values.description) };
  const server = splitServerError(mutation.error, FIELDS);
  const errorOf = (f: Fields) => ((touched[f] || submitted) && checks[f]) || (server.field === f && !touched[f] ? server.detail : null) || null;
  const set = (f: Fields, v: string) => {
    setValues((old) => ({ ...old, [f]: v }));
    setTouched((t) => ({ ...t, [f]: true }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (checks.command || checks.description) return;
    setTouched({});
    const done = (t: AlwaysOnTask) => {
      onDone?.(t);
      if (!task) {
        setValues({ command: '', description: '' });
        setSubmitted(false);
      }
    };
    if (task) update.mutate({ id: task.id, body: values }, { onSuccess: done });
    else create.mutate(values, { onSuccess: done });
  };

  return (
    <form className="stack task-form" onSubmit={submit} noValidate aria-label={task ? `Edit always-on task ${task.id}` : 'New always-on task'}>
      <Field label="Command" autoFocus={Boolean(task)} className="mono" value={values.command} onChange={(e) => set('command', e.target.value)} onBlur={() => setTouched((t) => ({ ...t, command: true }))}
        placeholder={`python3 /home/${username}/bot.py`} hint="Kept running: restarted whenever it exits." error={errorOf('command')} autoComplete="off" spellCheck={false} />
      <Field label="Description (optional)" value={values.description} onChange={(e) => set('description', e.target.value)} error={errorOf('description')} />
      <ErrorMessage error={server.general} title={task ? 'Could not save the task' : 'Could not create the task'} />
      <div className="row wrap">
        <button type="submit" className="primary" disabled={mutation.isPending}>{task ? 'Save and restart' : 'Create always-on task'}</button>
        {onCancel ? <button type="button" onClick={onCancel}>Cancel</button> : null}
      </div>
    </form>
  );
}
