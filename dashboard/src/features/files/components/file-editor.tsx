import { useEffect, useMemo, type ReactNode } from 'react';
import { Link, useBlocker } from 'react-router';
import { EditorState } from '@codemirror/state';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { baseName, parentOf } from '@/lib/paths';
import { usePaths } from '@/lib/viewed-account';
import { NotTextError, downloadUrl, useFileText, useSaveText } from '../api/files';
import { useDocumentSave, type SaveStatus } from '../hooks/use-document-save';
import { CodeEditor, languageFor } from './code-editor';

interface FileEditorProps {
  username: string;
  path: string;
  /** More buttons beside Save (the app layer adds "Save and reload" for WSGI files); `save` resolves once saved. */
  renderActions?(save: () => Promise<boolean>): ReactNode;
}

const statusText: Record<SaveStatus, string> = {
  unchanged: 'No changes',
  unsaved: '● Unsaved changes',
  saving: 'Saving…',
  saved: '✓ Saved',
};

/** Ctrl+S saves also when focus is on the page's buttons rather than the editor. */
function useSaveShortcut(save: () => Promise<boolean>) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Already handled (and prevented) by the editor's own Mod-s binding.
      if (e.defaultPrevented) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);
}

/** While `dirty`, closing the tab or leaving for another page asks first; the blocker holds a leave that waits for an answer. */
function useLeaveGuard(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  return useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
}

/** Edit a text file: Ctrl+S saves, leaving with unsaved changes asks first. */
export function FileEditor({ username, path, renderActions }: FileEditorProps) {
  const paths = usePaths();
  const file = useFileText(username, path);
  const saver = useSaveText(username, path);
  // Split into lines as the editor splits them, so "unchanged" compares like with like.
  const loaded = useMemo(() => (file.data === undefined ? undefined : EditorState.create({ doc: file.data }).doc), [file.data]);
  const { status, changed, save } = useDocumentSave(loaded, saver.mutateAsync);
  // A save on its way may still fail: until it is acknowledged, leaving loses the text.
  const dirty = status === 'unsaved' || status === 'saving';
  useSaveShortcut(save);
  const blocker = useLeaveGuard(dirty);

  const notText = file.error instanceof NotTextError;
  return (
    <Page title={baseName(path)}>
      <p className="row wrap editor-meta">
        <Link to={paths.files(parentOf(path))} className="mono">{path}</Link>
        <span role="status" className={dirty ? 'unsaved' : 'muted'}>{statusText[status]}</span>
      </p>
      <div className="row wrap editor-toolbar">
        <button type="button" className="primary" onClick={() => void save()} disabled={loaded === undefined || status === 'saving'}>
          {status === 'saving' ? 'Saving…' : 'Save'}
        </button>
        {loaded !== undefined && renderActions ? renderActions(save) : null}
      </div>
      <ErrorMessage error={saver.error} title="Not saved" />
      {file.isPending ? <Spinner label={`Opening ${baseName(path)}`} /> : null}
      {file.error ? (
        <div>
          <ErrorMessage error={file.error} title={notText ? undefined : `Could not open ${path}`} />
          {notText ? <a className="button" href={downloadUrl(username, path)} download={baseName(path)}>Download {baseName(path)}</a> : null}
        </div>
      ) : null}
      {loaded !== undefined ? (
        <CodeEditor initial={loaded} language={languageFor(path)} label={`Contents of ${path}`} onChange={changed} onSave={() => void save()} />
      ) : null}
      {blocker.state === 'blocked' ? (
        <ConfirmDialog title="Leave without saving?" confirmLabel="Discard changes" danger onCancel={() => blocker.reset()} onConfirm={() => blocker.proceed()}>
          <p>Your changes to {baseName(path)} have not been saved.</p>
        </ConfirmDialog>
      ) : null}
    </Page>
  );
}
