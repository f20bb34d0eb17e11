import { useEffect, useRef } from 'react';
import { basicSetup } from 'codemirror';
import { indentWithTab } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import { EditorState, type Extension, type Text } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';

export type Language = 'python' | 'text';

export function languageFor(path: string): Language {
  return /\.pyw?$/i.test(path) ? 'python' : 'text';
}

interface CodeEditorProps {
  /** The document to start with; a new one starts a new editing session. */
  initial: Text;
  language: Language;
  label: string;
  /** Called with the new document after every change. */
  onChange(doc: Text): void;
  onSave(): void;
}

// Size and font, as a CodeMirror theme: the editor lives in a shadow root
// (below), where the dashboard's stylesheet does not reach.
const layout = EditorView.theme({
  '&': { height: 'min(70vh, 760px)', fontSize: '0.9rem', backgroundColor: '#fff' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace" },
});

/**
 * CodeMirror 6 with Python highlighting. Ctrl+S / Cmd+S saves. Tab indents;
 * Escape then Tab moves focus on (CodeMirror's way out for keyboard users).
 */
export function CodeEditor({ initial, language, label, onChange, onSave }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  // The editor is built once per document; these always call the latest props.
  const handlers = useRef({ onChange, onSave });
  useEffect(() => {
    handlers.current = { onChange, onSave };
  }, [onChange, onSave]);

  useEffect(() => {
    const extensions: Extension[] = [
      keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (handlers.current.onSave(), true) }, indentWithTab]),
      basicSetup,
      layout,
      language === 'python' ? python() : [],
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) handlers.current.onChange(u.state.doc);
      }),
    ];
    // In a shadow root CodeMirror styles itself with constructed stylesheets
    // (adoptedStyleSheets); in the document it would add <style> elements,
    // which the dashboard's CSP (style-src 'self', no 'unsafe-inline') refuses.
    const el = host.current!;
    const shadow = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    const mount = document.createElement('div');
    shadow.append(mount);
    const view = new EditorView({ state: EditorState.create({ doc: initial, extensions }), parent: mount, root: shadow });
    return () => {
      view.destroy();
      mount.remove();
    };
  }, [initial, language, label]);

  return <div ref={host} className="code-editor" />;
}
