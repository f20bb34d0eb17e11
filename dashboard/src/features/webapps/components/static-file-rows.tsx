import type { StaticFile } from '../api/types';
import type { useStaticFileMutations } from '../api/static-files';
import { MappingForm } from './mapping-form';

export type StaticFileMutations = ReturnType<typeof useStaticFileMutations>;

function MappingCells({ mapping, remove, onEdit }: { mapping: StaticFile; remove: StaticFileMutations['remove']; onEdit(): void }) {
  return (
    <>
      <td className="mono">{mapping.url}</td>
      <td className="mono">{mapping.path}</td>
      <td className="actions">
        <button type="button" className="link" aria-label={`Edit mapping ${mapping.url}`} onClick={onEdit}>Edit</button>
        <button type="button" className="danger-link" aria-label={`Delete mapping ${mapping.url}`} disabled={remove.isPending} onClick={() => remove.mutate(mapping.id)}>
          Delete
        </button>
      </td>
    </>
  );
}

function MappingEditCell({ mapping, update, onDone }: { mapping: StaticFile; update: StaticFileMutations['update']; onDone(): void }) {
  return (
    <td colSpan={3}>
      <MappingForm
        initial={mapping}
        labelSuffix={` for ${mapping.url}`}
        submitLabel="Save mapping"
        pending={update.isPending}
        error={update.error}
        onSubmit={(v) => update.mutate({ id: mapping.id, ...v }, { onSuccess: onDone })}
        onCancel={() => {
          update.reset();
          onDone();
        }}
      />
    </td>
  );
}

interface MappingsTableProps {
  mappings: StaticFile[];
  /** The id of the mapping whose row is an edit form, if any: one at a time. */
  editing: number | null;
  setEditing(id: number | null): void;
  update: StaticFileMutations['update'];
  remove: StaticFileMutations['remove'];
}

export function MappingsTable({ mappings, editing, setEditing, update, remove }: MappingsTableProps) {
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">Static file mappings</caption>
        <thead>
          <tr><th scope="col">URL</th><th scope="col">Directory</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {mappings.length === 0 ? <tr><td colSpan={3} className="muted">No static file mappings yet.</td></tr> : null}
          {mappings.map((m) => (
            <tr key={m.id}>
              {editing === m.id
                ? <MappingEditCell mapping={m} update={update} onDone={() => setEditing(null)} />
                : <MappingCells mapping={m} remove={remove} onEdit={() => setEditing(m.id)} />}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
