import { useCallback, useEffect, useRef, useState } from 'react';
import type { Text } from '@codemirror/state';

export type SaveStatus = 'unchanged' | 'unsaved' | 'saving' | 'saved';

interface Docs {
  /** The document as loaded; a new one starts over (and outdates saves still on their way). */
  loaded: Text | undefined;
  /** What the editor shows now. */
  shown: Text | undefined;
  /** What the server is known to hold: the loaded document, or the last one it acknowledged. */
  onServer: Text | undefined;
  /** The document on its way to the server, if any. */
  sending: Text | undefined;
  everSaved: boolean;
}

/**
 * "Saved" only when no save is on its way and the server acknowledged exactly
 * the text shown. While a save is on its way the server holds either the old
 * or the sent text, so anything else shown is unsaved.
 * Text.eq is cheap after a small edit: the documents share all but a few leaves.
 */
export function saveStatus({ shown, onServer, sending, everSaved }: Docs): SaveStatus {
  if (!shown) return 'unchanged';
  if (sending) return shown.eq(sending) ? 'saving' : 'unsaved';
  if (!onServer || !shown.eq(onServer)) return 'unsaved';
  return everSaved ? 'saved' : 'unchanged';
}

/**
 * `send`, one call at a time: a call asked for while another is on its way
 * waits for it, and every call asked for meanwhile shares the one that
 * starts next.
 */
function useOneSendAtATime(send: () => Promise<boolean>): () => Promise<boolean> {
  const running = useRef<Promise<boolean> | null>(null);
  const queued = useRef<Promise<boolean> | null>(null);
  return useCallback((): Promise<boolean> => {
    if (queued.current) return queued.current;
    const start = () => {
      const p = send().finally(() => {
        if (running.current === p) running.current = null;
      });
      running.current = p;
      return p;
    };
    if (!running.current) return start();
    const next = running.current.then(() => {
      queued.current = null;
      return start();
    });
    queued.current = next;
    return next;
  }, [send]);
}

/**
 * Saving the editor's document, one request at a time: a save asked for while
 * another is on its way waits for it and then sends the newest text, so an
 * older text can never reach the server after a newer one. (Two requests at
 * once may finish in either order.)
 *
 * `send` resolves only when the server has stored exactly the text given.
 */
export function useDocumentSave(loaded: Text | undefined, send: (text: string) => Promise<unknown>) {
  const docs = useRef<Docs>({ loaded, shown: loaded, onServer: loaded, sending: undefined, everSaved: false });
  const [status, setStatus] = useState<SaveStatus>('unchanged');
  const refresh = useCallback(() => setStatus(saveStatus(docs.current)), []);
  const sendRef = useRef(send);
  useEffect(() => {
    sendRef.current = send;
  }, [send]);

  useEffect(() => {
    if (docs.current.loaded === loaded) return;
    docs.current = { loaded, shown: loaded, onServer: loaded, sending: undefined, everSaved: false };
    refresh();
  }, [loaded, refresh]);

  /** The editor calls this with every new document. */
  const changed = useCallback((doc: Text) => {
    docs.current.shown = doc;
    refresh();
  }, [refresh]);

  const sendShown = useCallback(async (): Promise<boolean> => {
    const d = docs.current;
    const doc = d.shown;
    if (!doc) return false;
    d.sending = doc;
    refresh();
    try {
      await sendRef.current(doc.toString());
      d.onServer = doc;
      d.everSaved = true;
      return true;
    } catch {
      return false; // the caller shows the error; what the server holds is unchanged or unknown
    } finally {
      d.sending = undefined;
      refresh();
    }
  }, [refresh]);

  /** Resolves true once the server holds the text shown when the save went out. */
  const save = useOneSendAtATime(sendShown);

  return { status, changed, save };
}
