import { useId, useState } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { useDeleteUser } from '../api/users';
import type { FilesChoice } from '../api/types';

interface DeleteUserDialogProps {
  username: string;
  onDeleted(archive: string | null): void;
  onCancel(): void;
}

/** Deleting asks what becomes of the files, and waits for the username typed exactly. */
export function DeleteUserDialog({ username, onDeleted, onCancel }: DeleteUserDialogProps) {
  const remove = useDeleteUser(username, onDeleted);
  const [files, setFiles] = useState<FilesChoice>('archive');
  const [typed, setTyped] = useState('');
  const inputId = useId();
  const hintId = useId();
  const confirmed = typed === username;

  return (
    <ConfirmDialog
      title={`Delete ${username}?`}
      confirmLabel="Delete account"
      danger
      busy={remove.isPending}
      confirmDisabled={!confirmed}
      onCancel={onCancel}
      onConfirm={() => remove.mutate(files)}
    >
      <p>Their web apps, consoles and containers are removed, and they cannot log in any more.</p>
      <fieldset className="choices">
        <legend>Their files</legend>
        <label className="choice">
          <input type="radio" name="files" value="archive" checked={files === 'archive'} onChange={() => setFiles('archive')} />
          <span>Archive the files (restorable): a tarball kept on the server, listed under Archives</span>
        </label>
        <label className="choice">
          <input type="radio" name="files" value="erase" checked={files === 'erase'} onChange={() => setFiles('erase')} />
          <span>Erase the files: gone for good; the username can be used again</span>
        </label>
      </fieldset>
      <div className="field">
        <label htmlFor={inputId}>Type <strong className="mono">{username}</strong> to confirm</label>
        <input
          id={inputId}
          aria-describedby={hintId}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          className="mono"
        />
        <small id={hintId} className="hint">{confirmed ? 'Confirmed.' : 'The Delete button waits for the exact username.'}</small>
      </div>
      <ErrorMessage error={remove.error} title={`Deleting ${username} failed`} />
    </ConfirmDialog>
  );
}
