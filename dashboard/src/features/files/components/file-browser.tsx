import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '@/lib/api-client';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { joinPath } from '@/lib/paths';
import { usePaths } from '@/lib/viewed-account';
import { useFileMutations, useListing, type Entry } from '../api/files';
import { FolderTable } from './folder-table';
import { NewItemForm } from './new-item-form';

/** Where a user's files are: the three places containers see. */
export function places(username: string) {
  return [
    { label: 'Home', path: `/home/${username}` },
    { label: '/var/www', path: '/var/www' },
    { label: '/var/log', path: '/var/log' },
  ];
}

function Breadcrumbs({ dir }: { dir: string }) {
  const paths = usePaths();
  const parts = dir.split('/').filter(Boolean);
  return (
    <nav aria-label="Folder path" className="breadcrumbs mono">
      {parts.map((p, i) => {
        const to = '/' + parts.slice(0, i + 1).join('/');
        return (
          <span key={to}>
            /{i === parts.length - 1 ? <span aria-current="page">{p}</span> : <Link to={paths.files(to)}>{p}</Link>}
          </span>
        );
      })}
    </nav>
  );
}

function PlaceTabs({ username, dir }: { username: string; dir: string }) {
  const paths = usePaths();
  return (
    <nav aria-label="Places" className="tabs">
      {places(username).map((p) => (
        <Link key={p.path} to={paths.files(p.path)} className={dir === p.path || dir.startsWith(p.path + '/') ? 'tab active' : 'tab'}>{p.label}</Link>
      ))}
    </nav>
  );
}

function UploadButton({ pending, onFiles }: { pending: boolean; onFiles(files: FileList | null): void }) {
  return (
    <label className="button upload">
      {pending ? 'Uploading…' : 'Upload files'}
      <input type="file" multiple className="visually-hidden" aria-label="Upload files" onChange={(e) => { onFiles(e.target.files); e.target.value = ''; }} />
    </label>
  );
}

function DeleteDialog({ dir, entry, busy, onCancel, onConfirm }: { dir: string; entry: Entry; busy: boolean; onCancel(): void; onConfirm(): void }) {
  return (
    <ConfirmDialog
      title={`Delete ${entry.name}${entry.type === 'directory' ? ' and everything in it' : ''}?`}
      confirmLabel="Delete"
      danger
      busy={busy}
      onCancel={onCancel}
      onConfirm={onConfirm}
    >
      <p className="mono">{joinPath(dir, entry.name)}</p>
    </ConfirmDialog>
  );
}

const validName = (name: string) => (name.includes('/') || name === '.' || name === '..' ? 'A name cannot contain "/" or be "." or "..".' : null);

/** Runs one file operation, keeping its error to show above the listing. */
function useFileOperation() {
  const [problem, setProblem] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await fn();
    } catch (err) {
      setProblem(err);
      throw err;
    }
  };
  return { problem, run };
}

/** Browse a folder; create, upload, rename, download and delete files and folders. */
export function FileBrowser({ username, dir }: { username: string; dir: string }) {
  const listing = useListing(username, dir);
  const m = useFileMutations(username);
  const [deleting, setDeleting] = useState<Entry | null>(null);
  const { problem, run } = useFileOperation();
  const taken = (name: string) => listing.data?.some((e) => e.name === name);
  const checkName = (name: string) => {
    const bad = validName(name) ?? (taken(name) ? `${name} already exists here.` : null);
    if (bad) throw new ApiError(400, bad);
  };

  const upload = (files: FileList | null) => {
    if (!files) return;
    void run(async () => {
      for (const file of Array.from(files)) await m.upload.mutateAsync({ path: joinPath(dir, file.name), file });
    }).catch(() => undefined);
  };
  const rename = (entry: Entry, name: string) =>
    run(async () => { checkName(name); await m.move.mutateAsync({ from: joinPath(dir, entry.name), to: joinPath(dir, name) }); });
  const remove = (entry: Entry) =>
    void run(() => m.remove.mutateAsync(joinPath(dir, entry.name))).catch(() => undefined).finally(() => setDeleting(null));

  return (
    <Page title="Files">
      <PlaceTabs username={username} dir={dir} />
      <Breadcrumbs dir={dir} />
      <div className="toolbar row wrap">
        <NewItemForm label="New file name" placeholder="app.py" submitLabel="New file" pending={m.create.isPending}
          onCreate={(name) => run(async () => { checkName(name); await m.create.mutateAsync(joinPath(dir, name)); })} />
        <NewItemForm label="New folder name" placeholder="mysite" submitLabel="New folder" pending={m.mkdir.isPending}
          onCreate={(name) => run(async () => { checkName(name); await m.mkdir.mutateAsync(joinPath(dir, name)); })} />
        <UploadButton pending={m.upload.isPending} onFiles={upload} />
      </div>
      <ErrorMessage error={problem} />
      {listing.isPending ? <Spinner label="Loading the folder" /> : null}
      <ErrorMessage error={listing.error} title={`Could not open ${dir}`} />
      {listing.data ? (
        <FolderTable username={username} dir={dir} entries={listing.data} busy={m.move.isPending} onRename={rename} onDelete={setDeleting} />
      ) : null}
      {deleting ? (
        <DeleteDialog dir={dir} entry={deleting} busy={m.remove.isPending} onCancel={() => setDeleting(null)} onConfirm={() => remove(deleting)} />
      ) : null}
    </Page>
  );
}
