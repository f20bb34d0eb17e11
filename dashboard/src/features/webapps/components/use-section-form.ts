import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api-client';
import type { Webapp, WebappPatch } from '../api/types';
import { useUpdateWebapp } from '../api/webapps';
import type { SaveOutcome } from './save-row';

/**
 * One settings section's form: a draft copied from the app, saved as a
 * PATCH of just this section's fields. Errors name their field, so each
 * shows beside the input at fault, and "Saved" shows until the next edit
 * (with "not serving yet" when the app could not start with the new settings).
 */
export function useSectionForm<T extends object>(
  username: string,
  webapp: Webapp,
  initial: (w: Webapp) => T,
  toPatch: (draft: T) => WebappPatch,
  /** Fields whose errors show beside their own input; any other error shows above Save. */
  inline: readonly string[],
) {
  const [draft, setDraft] = useState<T>(() => initial(webapp));
  const [saved, setSaved] = useState<SaveOutcome>(null);
  const update = useUpdateWebapp(username, webapp.domain_name);

  const set = <K extends keyof T>(key: K, value: T[K]) => {
    setSaved(null);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  /** The section's form onSubmit: saves instead of navigating. */
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(toPatch(draft), {
      onSuccess: (after) => {
        setDraft(initial(after));
        setSaved(after.settings_warning ? 'saved-not-serving' : 'saved');
      },
    });
  };
  const error = update.error;
  const fieldError = (field: string) => (error instanceof ApiError && error.field === field ? error.detail : null);
  const generalError = error instanceof ApiError && error.field && inline.includes(error.field) ? null : error;
  return { draft, set, submit, saving: update.isPending, saved, fieldError, generalError, reset: () => setDraft(initial(webapp)) };
}

/** "" in a path field means "not set". */
export const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
