import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api-client';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';

export interface Mapping {
  url: string;
  path: string;
}

interface MappingFormProps {
  initial: Mapping;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  /** Distinguishes the add form's labels from an edit row's. */
  labelSuffix?: string;
  onSubmit(value: Mapping): void;
  onCancel?(): void;
}

/** One static file mapping's URL and directory, for adding a mapping or editing one. */
export function MappingForm({ initial, submitLabel, pending, error, labelSuffix = '', onSubmit, onCancel }: MappingFormProps) {
  const [url, setUrl] = useState(initial.url);
  const [path, setPath] = useState(initial.path);
  const fieldError = (f: string) => (error instanceof ApiError && error.field === f ? error.detail : null);
  const general = error instanceof ApiError && (error.field === 'url' || error.field === 'path') ? null : error;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ url: url.trim(), path: path.trim() });
  };
  return (
    <form onSubmit={submit} className="mapping-form">
      <Field label={`URL${labelSuffix}`} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="/static/" error={fieldError('url')} className="mono" />
      <Field label={`Directory${labelSuffix}`} value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/you/mysite/static" error={fieldError('path')} className="mono grow" />
      <div className="row align-end">
        <button type="submit" className="primary" disabled={pending}>{pending ? 'Saving…' : submitLabel}</button>
        {onCancel ? <button type="button" onClick={onCancel}>Cancel</button> : null}
      </div>
      <ErrorMessage error={general} />
    </form>
  );
}
