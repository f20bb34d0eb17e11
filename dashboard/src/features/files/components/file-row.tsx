import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { formatBytes, formatDate } from '@/lib/format';
import { joinPath } from '@/lib/paths';
import { usePaths } from '@/lib/viewed-account';
import { downloadUrl, type Entry } from '../api/files';

interface FileRowProps {
  username: string;
  dir: string;
  entry: Entry;
  busy: boolean;
  onRename(newName: string): Promise<unknown>;
  onDelete(): void;
}

/** One file or folder in the listing, with rename (inline), download and delete. */
export function FileRow({ username, dir, entry, busy, onRename, onDelete }: FileRowProps) {
  const paths = usePaths();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(entry.name);
  const full = joinPath(dir, entry.name);
  const isDir = entry.type === 'directory';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = name.trim();
    if (!next || next === entry.name) return setRenaming(false);
    onRename(next).then(() => setRenaming(false), () => undefined);
  };

  return (
    <tr>
      <td className="name-cell">
        {renaming ? (
          <form onSubmit={submit} className="row">
            <input aria-label={`New name for ${entry.name}`} value={name} onChange={(e) => setName(e.target.value)} autoFocus className="mono grow" />
            <button type="submit" className="primary" disabled={busy}>Rename</button>
            <button type="button" onClick={() => { setName(entry.name); setRenaming(false); }}>Cancel</button>
          </form>
        ) : isDir ? (
          <Link to={paths.files(full)} className="entry dir">{entry.name}/</Link>
        ) : (
          <Link to={paths.edit(full)} className="entry file">{entry.name}</Link>
        )}
      </td>
      <td className="num">{isDir ? '' : formatBytes(entry.size)}</td>
      <td className="muted hide-narrow">{formatDate(entry.modified)}</td>
      <td className="actions">
        {!renaming ? (
          <button type="button" className="link" aria-label={`Rename ${entry.name}`} onClick={() => setRenaming(true)}>Rename</button>
        ) : null}
        {!isDir ? (
          <a href={downloadUrl(username, full)} download={entry.name} aria-label={`Download ${entry.name}`}>Download</a>
        ) : null}
        <button type="button" className="danger-link" aria-label={`Delete ${entry.name}`} onClick={onDelete}>Delete</button>
      </td>
    </tr>
  );
}
