import { useState } from 'react';
import { ErrorMessage } from '@/components/error-message';
import { Spinner } from '@/components/spinner';
import { useStaticFileMutations, useStaticFiles } from '../api/static-files';
import { MappingForm } from './mapping-form';
import { MappingsTable, type StaticFileMutations } from './static-file-rows';

function AddMappingForm({ add }: { add: StaticFileMutations['add'] }) {
  // A new key after each add empties the add form.
  const [addKey, setAddKey] = useState(0);
  return (
    <MappingForm
      key={addKey}
      initial={{ url: '/static/', path: '' }}
      labelSuffix=" to add"
      submitLabel="Add mapping"
      pending={add.isPending}
      error={add.error}
      onSubmit={(v) => add.mutate(v, { onSuccess: () => setAddKey((k) => k + 1) })}
    />
  );
}

/** URL prefixes served straight from a folder by the router, without the app. */
export function StaticFilesTable({ username, domain }: { username: string; domain: string }) {
  const list = useStaticFiles(username, domain);
  const { add, update, remove } = useStaticFileMutations(username, domain);
  const [editing, setEditing] = useState<number | null>(null);
  return (
    <section className="card" aria-labelledby="static-heading">
      <h2 id="static-heading">Static files</h2>
      <p className="muted">Files under these URLs are served from the folder directly, fast, without running your code.</p>
      {list.isPending ? <Spinner label="Loading static files" /> : null}
      <ErrorMessage error={list.error} />
      {list.data ? <MappingsTable mappings={list.data} editing={editing} setEditing={setEditing} update={update} remove={remove} /> : null}
      <ErrorMessage error={remove.error} />
      <h3>Add a mapping</h3>
      <AddMappingForm add={add} />
    </section>
  );
}
