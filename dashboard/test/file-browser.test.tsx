import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { FileBrowser } from '@/features/files/components/file-browser';
import { mockApi, renderPage } from './helpers';

const listing = {
  mysite: { type: 'directory', url: 'x', size: 0, modified: '2026-11-25T09:00:00.000Z' },
  'notes.txt': { type: 'file', url: 'x', size: 12, modified: '2026-11-25T09:00:00.000Z' },
};

describe('Files', () => {
  it('lists folders first with links to browse and edit, and creates a folder', async () => {
    const api = mockApi({
      'GET /api/v0/user/alice/files/path/home/alice/': { json: listing },
      'POST /api/v0/user/alice/files/folder/': { status: 201, json: { path: '/home/alice/static' } },
    });
    renderPage(<FileBrowser username="alice" dir="/home/alice" />);
    const table = await screen.findByRole('table', { name: 'Contents of /home/alice' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('mysite/');
    expect(within(table).getByRole('link', { name: 'mysite/' })).toHaveAttribute('href', '/files/home/alice/mysite');
    expect(within(table).getByRole('link', { name: 'notes.txt' })).toHaveAttribute('href', '/edit/home/alice/notes.txt');
    expect(within(table).getByRole('link', { name: 'Download notes.txt' })).toHaveAttribute('href', '/api/v0/user/alice/files/path/home/alice/notes.txt');

    await userEvent.type(screen.getByLabelText('New folder name'), 'static');
    await userEvent.click(screen.getByRole('button', { name: 'New folder' }));
    await vi.waitFor(() => expect(api.calls.some((c) => c.url.endsWith('/files/folder/'))).toBe(true));
    expect(api.calls.find((c) => c.url.endsWith('/files/folder/'))?.body).toEqual({ path: '/home/alice/static' });
  });

  it('renames in place and refuses a name that is taken before asking the server', async () => {
    const api = mockApi({
      'GET /api/v0/user/alice/files/path/home/alice/': { json: listing },
      'POST /api/v0/user/alice/files/move/': { json: { path: '/home/alice/todo.txt' } },
    });
    renderPage(<FileBrowser username="alice" dir="/home/alice" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Rename notes.txt' }));
    const input = screen.getByLabelText('New name for notes.txt');
    await userEvent.clear(input);
    await userEvent.type(input, 'mysite{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('mysite already exists here.');
    await userEvent.clear(input);
    await userEvent.type(input, 'todo.txt{Enter}');
    await vi.waitFor(() => expect(api.calls.find((c) => c.url.endsWith('/files/move/'))?.body).toEqual({ from: '/home/alice/notes.txt', to: '/home/alice/todo.txt' }));
  });

  it('asks before deleting, and shows the server’s refusal where it happened', async () => {
    mockApi({
      'GET /api/v0/user/alice/files/path/home/alice/': { json: listing },
      'DELETE /api/v0/user/alice/files/path/home/alice/mysite': { status: 403, json: { error: 'Forbidden', detail: 'not allowed today' } },
    });
    renderPage(<FileBrowser username="alice" dir="/home/alice" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete mysite' }));
    expect(screen.getByRole('dialog', { name: 'Delete mysite and everything in it?' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Delete mysite' }));
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('not allowed today');
  });
});
