import type { Entry } from '../api/files';
import { FileRow } from './file-row';

interface FolderTableProps {
  username: string;
  dir: string;
  entries: Entry[];
  /** A rename is on its way. */
  busy: boolean;
  onRename(entry: Entry, newName: string): Promise<unknown>;
  onDelete(entry: Entry): void;
}

/** A folder's files and folders as a table, one FileRow each. */
export function FolderTable({ username, dir, entries, busy, onRename, onDelete }: FolderTableProps) {
  return (
    <div className="table-wrap">
      <table className="files">
        <caption className="visually-hidden">Contents of {dir}</caption>
        <thead>
          <tr><th scope="col">Name</th><th scope="col" className="num">Size</th><th scope="col" className="hide-narrow">Modified</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {entries.length === 0 ? <tr><td colSpan={4} className="muted">This folder is empty.</td></tr> : null}
          {entries.map((entry) => (
            <FileRow
              key={entry.name}
              username={username}
              dir={dir}
              entry={entry}
              busy={busy}
              onRename={(name) => onRename(entry, name)}
              onDelete={() => onDelete(entry)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
