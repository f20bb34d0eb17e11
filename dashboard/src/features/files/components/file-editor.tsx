import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useBlocker } from 'react-router';
import type { EditorView } from '@codemirror/view';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { ErrorMessage } from '@/components/error-message';
import { Page } from '@/components/page';
import { Spinner } from '@/components/spinner';
import { baseName, parentOf, paths } from '@/lib/paths';
import { NotTextError, downloadUrl, useFileText, useSaveText } from '../api/files';
import { CodeEditor, languageFor } from './code-editor';

interface FileEditorProps {
  username: string;
  path: string;
  /** More buttons beside Save (the app layer adds "Save and reload" for WSGI files); `save` resolves once saved. */
  renderActions?(save: () => Promise<boolean>): ReactNode;
}

/** Edit a text file: Ctrl+S saves, leaving with unsaved changes asks first. */
export function FileEditor({ username, path, renderActions }: FileEditorProps) {
  const file = useFileText(username, path);
  const saver = useSaveText(username, path);
  const view = useRef<EditorView | null>(null);
  const [dirty, setDirty] = useState(false);
  // Bumped on every edit: a save only clears "dirty" if nothing was typed while it ran.
  const version = useRef(0);

  const onChange = useCallback(() => {
    version.current++;
    setDirty(true);
  }, []);

  const save = useCallback(async (): Promise<boolean> => {
    const text = view.current?.state.doc.toString();
    if (text === undefined) return false;
    const at = version.current;
    try {
      await saver.mutateAsync(text);
    } catch {
      return false;
    }
    if (version.current === at) setDirty(false);
    return true;
  }, [saver]);

  // Ctrl+S also works when focus is on the page's buttons rather than the editor.
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

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);

  const notText = file.error instanceof NotTextError;
  return (
    <Page title={baseName(path)}>
      <p className="row wrap editor-meta">
        <Link to={paths.files(parentOf(path))} className="mono">{path}</Link>
        <span role="status" className={dirty ? 'unsaved' : 'muted'}>
          {saver.isPending ? 'Saving…' : dirty ? '● Unsaved changes' : saver.isSuccess ? '✓ Saved' : 'No changes'}
        </span>
      </p>
      <div className="row wrap editor-toolbar">
        <button type="button" className="primary" onClick={() => void save()} disabled={file.data === undefined || saver.isPending}>
          {saver.isPending ? 'Saving…' : 'Save'}
        </button>
        {file.data !== undefined && renderActions ? renderActions(save) : null}
      </div>
      <ErrorMessage error={saver.error} title="Not saved" />
      {file.isPending ? <Spinner label={`Opening ${baseName(path)}`} /> : null}
      {file.error ? (
        <div>
          <ErrorMessage error={file.error} title={notText ? undefined : `Could not open ${path}`} />
          {notText ? <a className="button" href={downloadUrl(username, path)} download={baseName(path)}>Download {baseName(path)}</a> : null}
        </div>
      ) : null}
      {file.data !== undefined ? (
        <CodeEditor initial={file.data} language={languageFor(path)} label={`Contents of ${path}`} viewRef={view} onChange={onChange} onSave={() => void save()} />
      ) : null}
      {blocker.state === 'blocked' ? (
        <ConfirmDialog title="Leave without saving?" confirmLabel="Discard changes" danger onCancel={() => blocker.reset()} onConfirm={() => blocker.proceed()}>
          <p>Your changes to {baseName(path)} have not been saved.</p>
        </ConfirmDialog>
      ) : null}
    </Page>
  );
}
