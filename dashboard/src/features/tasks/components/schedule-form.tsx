import { useId } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import type { Interval, ScheduledTask } from '../api/types';
import { SchedulePreview } from './schedule-preview';
import { useScheduleForm } from './use-schedule-form';

interface ScheduleFormProps {
  username: string;
  /** Given: the form edits it; absent: it creates a new one. */
  task?: ScheduledTask;
  onDone?(task: ScheduledTask): void;
  onCancel?(): void;
}

const INTERVALS: { value: Interval; label: string }[] = [
  { value: 'daily', label: 'Daily' },
  { value: 'hourly', label: 'Hourly' },
];

/** A scheduled task's command and time (UTC), checked as they are typed. */
export function ScheduleForm({ username, task, onDone, onCancel }: ScheduleFormProps) {
  const form = useScheduleForm(username, task, (t) => onDone?.(t));
  const { draft, errors, set, blur } = form;
  const intervalId = useId();
  return (
    <form className="stack task-form" onSubmit={form.submit} noValidate aria-label={task ? `Edit scheduled task ${task.id}` : 'New scheduled task'}>
      <Field label="Command" autoFocus={Boolean(task)} className="mono" value={draft.command} onChange={(e) => set('command', e.target.value)} onBlur={() => blur('command')}
        placeholder={`python3 /home/${username}/script.py`} hint="As you would type it in a Bash console; it runs in your home folder." error={errors.command} autoComplete="off" spellCheck={false} />
      <Field label="Description (optional)" value={draft.description} onChange={(e) => set('description', e.target.value)} onBlur={() => blur('description')} error={errors.description} />
      <div className="row wrap align-end schedule-time">
        <fieldset className="choices" aria-describedby={`${intervalId}-hint`}>
          <legend>Runs</legend>
          <div className="row wrap">
            {INTERVALS.map((i) => (
              <label key={i.value} className="check">
                <input type="radio" name={`${intervalId}-interval`} value={i.value} checked={draft.interval === i.value} onChange={() => set('interval', i.value)} />
                {i.label}
              </label>
            ))}
          </div>
          <small id={`${intervalId}-hint`} className="hint">Times are UTC, as on PythonAnywhere.</small>
          {errors.interval ? <small className="field-error">{errors.interval}</small> : null}
        </fieldset>
        {draft.interval === 'daily' ? (
          <Field label="Hour (UTC)" className="time-field" inputMode="numeric" value={draft.hour} onChange={(e) => set('hour', e.target.value)} onBlur={() => blur('hour')} placeholder="0–23" error={errors.hour} autoComplete="off" />
        ) : null}
        <Field label="Minute" className="time-field" inputMode="numeric" value={draft.minute} onChange={(e) => set('minute', e.target.value)} onBlur={() => blur('minute')} placeholder="0–59" error={errors.minute} autoComplete="off" />
      </div>
      <SchedulePreview draft={draft} now={Date.now()} />
      <ErrorMessage error={form.generalError} title={task ? 'Could not save the task' : 'Could not create the task'} />
      <div className="row wrap">
        <button type="submit" className="primary" disabled={form.pending}>{task ? 'Save' : 'Create scheduled task'}</button>
        {onCancel ? <button type="button" onClick={onCancel}>Cancel</button> : null}
      </div>
    </form>
  );
}
