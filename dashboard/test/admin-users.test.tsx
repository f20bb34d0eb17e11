import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DeleteUserDialog } from '@/features/admin/components/delete-user-dialog';
import { UsersPage } from '@/features/admin/components/users-page';
import { adminUser } from './admin-fixtures';
import { mockApi, renderPage } from './helpers';

const users = [
  adminUser('ann', { teacher: 'tom', webapps: ['ann.localhost'], tasks: 3, disk_bytes: 2048, last_login_at: '2026-03-01T10:00:00Z' }),
  adminUser('bob', { disabled: true, disabled_reason: 'admin', webapps: ['bob.localhost', 'x.bob.localhost'] }),
  adminUser('tom', { is_teacher: true, is_admin: true, students: 1 }),
];

const rowNames = () => screen.getAllByRole('row').slice(1).map((r) => within(r).getByRole('rowheader').textContent);

describe('the Admin page accounts table', () => {
  it('shows each account with its roles, teacher, web apps, consoles, tasks, disk, last login and state', async () => {
    mockApi({ 'GET /api/admin/users': { json: { users } } });
    renderPage(<UsersPage />, { path: '/admin' });
    const ann = (await screen.findByRole('rowheader', { name: 'ann' })).closest('tr')!;
    expect(within(ann).getAllByRole('cell').map((c) => c.textContent)).toEqual([
      '—', 'tom', '1', '0', '3', '2.0 KiB', new Date('2026-03-01T10:00:00Z').toLocaleString(), 'active', 'Disable',
    ]);
    const bob = screen.getByRole('rowheader', { name: 'bob' }).closest('tr')!;
    expect(within(bob).getByText('disabled')).toBeInTheDocument();
    expect(within(bob).getByText('measuring')).toBeInTheDocument();
    expect(within(screen.getByRole('rowheader', { name: 'tom' }).closest('tr')!).getByText('admin, teacher')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'ann' })).toHaveAttribute('href', '/admin/users/ann');
    expect(screen.getByRole('status')).toHaveTextContent('3 accounts');
  });

  it('sorts by the pressed column header, saying so with aria-sort, and filters by the search box', async () => {
    mockApi({ 'GET /api/admin/users': { json: { users } } });
    renderPage(<UsersPage />, { path: '/admin' });
    await screen.findByRole('rowheader', { name: 'ann' });
    const usernameHeader = screen.getByRole('columnheader', { name: /Username/ });
    expect(usernameHeader).toHaveAttribute('aria-sort', 'ascending');
    expect(rowNames()).toEqual(['ann', 'bob', 'tom']);

    await userEvent.click(screen.getByRole('button', { name: /Web apps/ }));
    expect(screen.getByRole('columnheader', { name: /Web apps/ })).toHaveAttribute('aria-sort', 'descending');
    expect(usernameHeader).not.toHaveAttribute('aria-sort');
    expect(rowNames()).toEqual(['bob', 'ann', 'tom']);
    await userEvent.click(screen.getByRole('button', { name: /Web apps/ }));
    expect(rowNames()).toEqual(['tom', 'ann', 'bob']);

    await userEvent.type(screen.getByRole('searchbox', { name: 'Search accounts' }), 'tom');
    await vi.waitFor(() => expect(rowNames()).toEqual(['tom', 'ann'])); // tom, and ann whose teacher is tom
    expect(screen.getByRole('status')).toHaveTextContent('2 of 3 accounts');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search accounts' }), 'zzz');
    expect(await screen.findByText('No account matches this search.')).toBeInTheDocument();
  });

  it('asks before disabling, then disables; enables at once', async () => {
    const api = mockApi({
      'GET /api/admin/users': { json: { users } },
      'POST /api/admin/users/ann/disable': { json: { ...users[0], disabled: true, disabled_reason: 'admin' } },
      'POST /api/admin/users/bob/enable': { json: { ...users[1], disabled: false, disabled_reason: null } },
    });
    renderPage(<UsersPage />, { path: '/admin' });
    await userEvent.click(await screen.findByRole('button', { name: 'Disable ann' }));
    const dialog = screen.getByRole('dialog', { name: 'Disable ann?' });
    expect(dialog).toHaveTextContent(/files are kept/);
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disable account' }));
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/admin/users/ann/disable')).toBe(true);

    await userEvent.click(screen.getByRole('button', { name: 'Enable bob' }));
    await vi.waitFor(() => expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/admin/users/bob/enable')).toBe(true));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it("shows the API's refusal to disable (the last admin) beside the table", async () => {
    mockApi({
      'GET /api/admin/users': { json: { users } },
      'POST /api/admin/users/tom/disable': { status: 409, json: { error: 'Conflict', detail: 'tom is the last admin: make another admin first' } },
    });
    renderPage(<UsersPage />, { path: '/admin' });
    await userEvent.click(await screen.findByRole('button', { name: 'Disable tom' }));
    await userEvent.click(screen.getByRole('button', { name: 'Disable account' }));
    expect(await within(screen.getByRole('dialog')).findByRole('alert')).toHaveTextContent('tom is the last admin');
  });
});

describe('deleting an account', () => {
  it('waits for the exact username, then sends it with the chosen fate of the files', async () => {
    const api = mockApi({ 'DELETE /api/admin/users/ann': { json: { archive: null } } });
    const onDeleted = vi.fn();
    renderPage(<DeleteUserDialog username="ann" onDeleted={onDeleted} onCancel={vi.fn()} />);
    const confirm = screen.getByRole('button', { name: 'Delete account' });
    const input = screen.getByRole('textbox', { name: 'Type ann to confirm' });
    expect(screen.getByRole('radio', { name: /Archive the files/ })).toBeChecked();
    expect(confirm).toBeDisabled();
    for (const wrong of ['an', 'Ann', 'ann ', ' ann']) {
      await userEvent.clear(input);
      await userEvent.type(input, wrong);
      expect(confirm).toBeDisabled();
    }
    await userEvent.clear(input);
    await userEvent.type(input, 'ann');
    await userEvent.click(screen.getByRole('radio', { name: /Erase the files/ }));
    await userEvent.click(confirm);
    await vi.waitFor(() => expect(onDeleted).toHaveBeenCalledWith(null));
    expect(api.calls).toEqual([{ method: 'DELETE', url: '/api/admin/users/ann', body: { confirm: 'ann', files: 'erase' } }]);
  });

  it("shows the API's error when a step fails, and stays open", async () => {
    mockApi({ 'DELETE /api/admin/users/ann': { status: 500, json: { error: 'Internal Server Error', detail: 'could not write the archive: no space left on the device' } } });
    const onDeleted = vi.fn();
    renderPage(<DeleteUserDialog username="ann" onDeleted={onDeleted} onCancel={vi.fn()} />);
    await userEvent.type(screen.getByRole('textbox', { name: 'Type ann to confirm' }), 'ann');
    await userEvent.click(screen.getByRole('button', { name: 'Delete account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Deleting ann failed: could not write the archive: no space left on the device');
    expect(onDeleted).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });
});
