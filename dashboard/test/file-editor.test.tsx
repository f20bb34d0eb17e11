import { act, fireEvent, screen } from '@testing-library/react';
import { EditorView } from '@codemirror/view';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FileEditor } from '@/features/files/components/file-editor';
import { mockApi, renderPage, type Call } from './helpers';

// jsdom does no layout; CodeMirror measures text ranges after each update.
beforeAll(() => {
  Range.prototype.getClientRects = () => ({ length: 0, item: () => null, [Symbol.iterator]: [][Symbol.iterator] }) as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => new DOMRect();
});

const FILE = '/api/v0/user/alice/files/path/home/alice/app.py';

/**
 * A file on a slow server: each POST is held until the test lets it finish,
 * and the file only changes when it does (as the real write-then-rename).
 */
function slowServer(initial: string, { storedSize }: { storedSize?: (sent: number) => number } = {}) {
  const server = { stored: initial, held: [] as { finish(): void }[], inFlight: 0, mostInFlight: 0 };
  const api = mockApi({
    [`GET ${FILE}`]: () => ({ text: server.stored }),
    [`POST ${FILE}`]: async (call: Call) => {
      const text = await ((call.body as FormData).get('content') as Blob).text();
      server.inFlight++;
      server.mostInFlight = Math.max(server.mostInFlight, server.inFlight);
      await new Promise<void>((finish) => server.held.push({ finish }));
      server.inFlight--;
      server.stored = text;
      const size = new TextEncoder().encode(text).length;
      return { json: { path: '/home/alice/app.py', size: storedSize ? storedSize(size) : size, created: false } };
    },
  });
  /** Lets the oldest held save finish. */
  const finishNext = () => server.held.shift()!.finish();
  return { server, api, finishNext };
}

async function openEditor() {
  renderPage(<FileEditor username="alice" path="/home/alice/app.py" />, { path: '/edit/home/alice/app.py' });
  await screen.findByRole('status');
  // The editor lives in a shadow root, out of reach of screen queries.
  const host = await vi.waitFor(() => {
    const el = document.querySelector('.code-editor')?.shadowRoot?.querySelector('.cm-editor');
    if (!el) throw new Error('the editor is not there yet');
    return el as HTMLElement;
  });
  const view = EditorView.findFromDOM(host)!;
  return {
    view,
    type: (text: string) => act(() => view.dispatch({ changes: { from: view.state.doc.length, insert: text } })),
    backspace: () => act(() => view.dispatch({ changes: { from: view.state.doc.length - 1, to: view.state.doc.length } })),
    shown: () => view.state.doc.toString(),
  };
}

const status = () => screen.getByRole('status');
const pressSave = () => fireEvent.keyDown(window, { key: 's', ctrlKey: true });

describe('File editor: "Saved" means the server has what the editor shows', () => {
  it('shows an edit made while a save is in flight as unsaved, and saves it after that save', async () => {
    const { server, api, finishNext } = slowServer('a = 1\n');
    const editor = await openEditor();
    expect(status()).toHaveTextContent('No changes');

    editor.type('b = 2\n');
    expect(status()).toHaveTextContent('● Unsaved changes');
    pressSave();
    await vi.waitFor(() => expect(server.held).toHaveLength(1));
    expect(status()).toHaveTextContent('Saving…');

    // Typed while the first save is on its way: that save cannot cover it.
    editor.type('c = 3\n');
    await vi.waitFor(() => expect(status()).toHaveTextContent('● Unsaved changes'));
    finishNext();
    await vi.waitFor(() => expect(server.stored).toBe('a = 1\nb = 2\n'));
    expect(status()).toHaveTextContent('● Unsaved changes');

    pressSave();
    await vi.waitFor(() => expect(server.held).toHaveLength(1));
    finishNext();
    await vi.waitFor(() => expect(status()).toHaveTextContent('✓ Saved'));
    expect(server.stored).toBe(editor.shown());
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it('sends one save at a time, so an older text can never land after a newer one', async () => {
    const { server } = slowServer('');
    const editor = await openEditor();

    editor.type('first\n');
    pressSave();
    await vi.waitFor(() => expect(server.held).toHaveLength(1));
    editor.type('second\n');
    pressSave();
    editor.type('third\n');
    pressSave();

    // A server may finish requests in any order: here, always the newest first.
    for (let round = 0; round < 10; round++) {
      await vi.waitFor(() => expect(server.held.length > 0 || status().textContent === '✓ Saved').toBe(true));
      if (server.held.length === 0) break;
      server.held.pop()!.finish();
    }
    expect(status()).toHaveTextContent('✓ Saved');
    expect(server.mostInFlight).toBe(1);
    expect(server.stored).toBe('first\nsecond\nthird\n');
    expect(editor.shown()).toBe(server.stored);
  });

  it('is not "Saved" when the server stored other bytes than were sent', async () => {
    const { server, finishNext } = slowServer('', { storedSize: () => 0 });
    const editor = await openEditor();
    editor.type("print('hi')\n");
    pressSave();
    await vi.waitFor(() => expect(server.held).toHaveLength(1));
    finishNext();
    expect(await screen.findByRole('alert')).toHaveTextContent('Not saved');
    expect(status()).toHaveTextContent('● Unsaved changes');
  });

  it('counts an edit undone back to the saved text as saved', async () => {
    const { server, finishNext } = slowServer('x = 1\n');
    const editor = await openEditor();
    editor.type('y = 2\n');
    pressSave();
    await vi.waitFor(() => expect(server.held).toHaveLength(1));
    finishNext();
    await vi.waitFor(() => expect(status()).toHaveTextContent('✓ Saved'));
    editor.type('z');
    expect(status()).toHaveTextContent('● Unsaved changes');
    editor.backspace();
    expect(status()).toHaveTextContent('✓ Saved');
  });
});
