import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/api-client';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { Spinner } from '@/components/spinner';
import type { StaticFile } from '../api/types';
import { useStaticFileMutations, useStaticFiles } from '../api/static-files';

interface MappingFormProps {
  initial: { url: string; path: string };
  submitLabel: string;
  pending: boolean;
  error: unknown;
  /** Distinguishes the add form's labels from an edit row's. */
  labelSuffix?: string;
  onSubmit(value: { url: string; path: string }): void;
  onCancel?(): void;
}

function MappingForm({ initial, submitLabel, pending, error, labelSuffix = '', onSubmit, onCancel }: MappingFormProps) {
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

/** URL prefixes served straight from a folder by the router, without the app. */
export function StaticFilesTable({ username, domain }: { username: string; domain: string }) {
  const list = useStaticFiles(username, domain);
  const { add, update, remove } = useStaticFileMutations(username, domain);
  const [editing, setEditing] = useState<number | null>(null);
  // A new key after each add empties the add form.
  const [addKey, setAddKey] = useState(0);

  const row = (m: StaticFile) =>
    editing === m.id ? (
      <tr key={m.id}>
        <td colSpan={3}>
          <MappingForm
            initial={m}
            labelSuffix={` for ${m.url}`}
            submitLabel="Save mapping"
            pending={update.isPending}
            error={update.error}
            onSubmit={(v) => update.mutate({ id: m.id, ...v }, { onSuccess: () => setEditing(null) })}
            onCancel={() => {
              update.reset();
              setEditing(null);
            }}
          />
        </td>
      </tr>
    ) : (
      <tr key={m.id}>
        <td className="mono">{m.url}</td>
        <td className="mono">{m.path}</td>
        <td className="actions">
          <button type="button" className="link" aria-label={`Edit mapping ${m.url}`} onClick={() => setEditing(m.id)}>Edit</button>
          <button type="button" className="danger-link" aria-label={`Delete mapping ${m.url}`} disabled={remove.isPending} onClick={() => remove.mutate(m.id)}>
            Delete
          </button>
        </td>
      </tr>
    );

  return (
    <section className="card" aria-labelledby="static-heading">
      <h2 id="static-heading">Static files</h2>
      <p className="muted">Files under these URLs are served from the folder directly, fast, without running your code.</p>
      {list.isPending ? <Spinner label="Loading static files" /> : null}
      <ErrorMessage error={list.error} />
      {list.data ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Static file mappings</caption>
            <thead>
              <tr><th scope="col">URL</th><th scope="col">Directory</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {list.data.length === 0 ? <tr><td colSpan={3} className="muted">No static file mappings yet.</td></tr> : null}
              {list.data.map(row)}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorMessage error={remove.error} />
      <h3>Add a mapping</h3>
      <MappingForm
        key={addKey}
        initial={{ url: '/static/', path: '' }}
        labelSuffix=" to add"
        submitLabel="Add mapping"
        pending={add.isPending}
        error={add.error}
        onSubmit={(v) => add.mutate(v, { onSuccess: () => setAddKey((k) => k + 1) })}
      />
    </section>
  );
}
