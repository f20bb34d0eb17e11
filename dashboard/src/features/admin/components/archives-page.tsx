import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Field } from '@/components/field';
import { Spinner } from '@/components/spinner';
import { formatBytes, formatDate } from '@/lib/format';
import { useArchives, useDeleteArchive, useRestoreArchive } from '../api/archives';
import type { Archive } from '../api/types';
import { ShownOnce } from './shown-once';

/** Who came back, and the password made for them when the archive kept none (shown once). */
interface Restored {
  username: string;
  password?: string;
}

function RestoreDialog({ archive, onClose }: { archive: Archive; onClose(restored: Restored | null): void }) {
  const restore = useRestoreArchive();
  const [username, setUsername] = useState(archive.username);
  const [password, setPassword] = useState('');
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    restore.mutate(
      { name: archive.name, ...(username.trim() && username.trim() !== archive.username ? { username: username.trim() } : {}), ...(password ? { password } : {}) },
      { onSuccess: (u) => onClose({ username: u.username, password: u.password }) },
    );
  };
  return (
    <ConfirmDialog title={`Restore ${archive.username}?`} confirmLabel="Restore account" busy={restore.isPending} confirmDisabled={!username.trim()} onConfirm={submit} onCancel={() => onClose(null)}>
      <form className="stack" onSubmit={submit} noValidate>
        <p>The account comes back with the files of this archive.</p>
        <Field label="Username" value={username} onChange={(e) => setUsername(e.target.value)} autoCapitalize="none" spellCheck={false} hint="Another name if the old one is taken now." />
        <Field label="New password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} hint="Optional: leave empty to keep the password the account had." />
        <ErrorMessage error={restore.error} title="Not restored" />
      </form>
    </ConfirmDialog>
  );
}

function ArchiveRow({ archive, onRestore, onDelete }: { archive: Archive; onRestore(a: Archive): void; onDelete(a: Archive): void }) {
  return (
    <tr>
      <th scope="row" className="name-cell mono">{archive.name}</th>
      <td>{archive.username}</td>
      <td>{formatDate(archive.created_at)}</td>
      <td className="num">{formatBytes(archive.bytes)}</td>
      <td className="actions">
        <button type="button" className="link" aria-label={`Restore ${archive.name}`} onClick={() => onRestore(archive)}>Restore</button>
        <button type="button" className="danger-link" aria-label={`Delete ${archive.name}`} onClick={() => onDelete(archive)}>Delete</button>
      </td>
    </tr>
  );
}

/** The files of deleted accounts, kept as tarballs under PYHOST_DATA/archives/: restore one, or delete it for good. */
export function ArchivesPage() {
  const archives = useArchives();
  const remove = useDeleteArchive();
  const [restoring, setRestoring] = useState<Archive | null>(null);
  const [deleting, setDeleting] = useState<Archive | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [restored, setRestored] = useState<Restored | null>(null);

  if (archives.isPending) return <Spinner label="Loading archives" />;
  if (archives.error) return <ErrorMessage error={archives.error} title="Could not load the archives" />;
  return (
    <section aria-labelledby="archives-heading">
      <h2 id="archives-heading">Archives</h2>
      <p className="hint">When an account is deleted with “archive the files”, its files are kept here. Its username stays taken until the archive is restored or deleted.</p>
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {restored?.password ? (
        <div className="notice">
          <p>The archive kept no password, so {restored.username} has a new one. <strong>It is shown only now.</strong></p>
          <ShownOnce label={`Password for ${restored.username}`} value={restored.password} />
        </div>
      ) : null}
      <ErrorMessage error={remove.error} />
      {archives.data.length === 0 ? <p>No archives.</p> : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Archives of deleted accounts</caption>
            <thead>
              <tr>
                <th scope="col">Archive</th><th scope="col">Account</th><th scope="col">Deleted</th><th scope="col" className="num">Size</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {archives.data.map((a) => <ArchiveRow key={a.name} archive={a} onRestore={setRestoring} onDelete={(x) => { remove.reset(); setDeleting(x); }} />)}
            </tbody>
          </table>
        </div>
      )}
      {restoring ? (
        <RestoreDialog
          archive={restoring}
          onClose={(back) => {
            setRestoring(null);
            if (!back) return;
            setRestored(back);
            setNotice(`${back.username} is restored.`);
          }}
        />
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title={`Delete the archive ${deleting.name}?`}
          confirmLabel="Delete archive"
          danger
          busy={remove.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() => remove.mutate(deleting.name, { onSuccess: () => setNotice(`${deleting.name} is deleted.`), onSettled: () => setDeleting(null) })}
        >
          <p>The files of {deleting.username} are erased for good, and the username {deleting.username} can be used again.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
