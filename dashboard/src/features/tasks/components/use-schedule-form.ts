import { useState, type FormEvent } from 'react';
import { useCreateScheduledTask, useUpdateScheduledTask } from '../api/scheduled';
import type { ScheduledTask } from '../api/types';
import { draftOf, inputOf, validateDraft, type DraftErrors, type DraftField, type ScheduleDraft } from '../lib/schedule';
import { splitServerError } from '../lib/server-errors';

const FIELDS: readonly DraftField[] = ['command', 'description', 'interval', 'hour', 'minute'];

/**
 * The create/edit form's state. Each field is checked as it is typed (once
 * touched, or on submit); a 400 from the API shows at its field until that
 * field is changed again.
 */
export function useScheduleForm(username: string, task: ScheduledTask | undefined, onDone: (t: ScheduledTask) => void) {
  const create = useCreateScheduledTask(username);
  const update = useUpdateScheduledTask(username);
  const mutation = task ? update : create;
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftOf(task));
  const [touched, setTouched] = useState<Partial<Record<DraftField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverStale, setServerStale] = useState<Partial<Record<DraftField, boolean>>>({});

  const checks = validateDraft(draft);
  const server = splitServerError(mutation.error, FIELDS);
  const errors: DraftErrors = {};
  for (const f of FIELDS) {
    if (checks[f] && (touched[f] || submitted)) errors[f] = checks[f];
    else if (server.field === f && !serverStale[f] && server.detail) errors[f] = server.detail;
  }

  const set = (field: DraftField, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setTouched((t) => ({ ...t, [field]: true }));
    setServerStale((s) => ({ ...s, [field]: true }));
  };
  const blur = (field: DraftField) => setTouched((t) => ({ ...t, [field]: true }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (Object.keys(checks).length > 0) return;
    setServerStale({});
    const body = inputOf(draft);
    const done = (t: ScheduledTask) => {
      onDone(t);
      if (!task) {
        setDraft(draftOf());
        setTouched({});
        setSubmitted(false);
      }
    };
    if (task) update.mutate({ id: task.id, body }, { onSuccess: done });
    else create.mutate(body, { onSuccess: done });
  };

  return { draft, errors, set, blur, submit, pending: mutation.isPending, generalError: server.general };
}
