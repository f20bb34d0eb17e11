import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AddAccountsPage } from '@/features/admin/components/add-accounts-page';
import { adminUser } from './admin-fixtures';
import { mockApi, renderPage } from './helpers';

const users = { json: { users: [adminUser('tom', { is_teacher: true })] } };

const fillList = async (text: string) => {
  const box = screen.getByRole('textbox', { name: 'Accounts, one a line' });
  await userEvent.click(box);
  await userEvent.paste(text);
  return box;
};

describe('creating many accounts', () => {
  it('sends the pasted list with its options, in one request', async () => {
    const api = mockApi({ 'GET /api/admin/users': users, 'POST /api/admin/users/bulk': { status: 201, json: { created: [] } } });
    renderPage(<AddAccountsPage />, { path: '/admin/new' });
    await fillList('username,password\nann\nbob,bobs-password\n');
    expect(screen.getByText(/2 accounts in the list/)).toBeInTheDocument();
    await userEvent.type(screen.getByRole('combobox', { name: 'Teacher of these accounts' }), 'tom');
    await userEvent.type(screen.getByLabelText('These accounts expire on'), '2026-12-15');
    await userEvent.click(screen.getByRole('button', { name: 'Create 2 accounts' }));
    await vi.waitFor(() => expect(api.calls.some((c) => c.method === 'POST')).toBe(true));
    const post = api.calls.find((c) => c.method === 'POST')!;
    expect(post).toMatchObject({ url: '/api/admin/users/bulk', body: { text: 'username,password\nann\nbob,bobs-password\n', is_teacher: false, teacher: 'tom' } });
    expect(new Date((post.body as { expires_at: string }).expires_at).getDate()).toBe(15);
  });

  it('shows each refused line with its number, creates nothing, and keeps the list to fix', async () => {
    mockApi({
      'GET /api/admin/users': users,
      'POST /api/admin/users/bulk': {
        status: 400,
        json: {
          error: 'Bad Request',
          detail: '2 lines of the list cannot be used',
          lines: [
            { line: 2, text: 'Bob', error: 'username must be 2 to 30 characters: a lowercase letter, then lowercase letters or digits' },
            { line: 4, text: 'ann', error: '"ann" is already on line 1 of this list' },
          ],
        },
      },
    });
    renderPage(<AddAccountsPage />, { path: '/admin/new' });
    const box = await fillList('ann\nBob\ncara\nann');
    await userEvent.click(screen.getByRole('button', { name: 'Create 4 accounts' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Nothing was created. 2 lines of the list cannot be used');
    const items = within(alert).getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual([
      'Line 2: Bob — username must be 2 to 30 characters: a lowercase letter, then lowercase letters or digits',
      'Line 4: ann — "ann" is already on line 1 of this list',
    ]);
    expect(box).toHaveAttribute('aria-invalid', 'true');
    expect(box).toHaveAccessibleDescription(/Line 2: Bob/);
    expect(box).toHaveValue('ann\nBob\ncara\nann');
  });

  it('reads a CSV file into the list, for the admin to see before sending', async () => {
    mockApi({ 'GET /api/admin/users': users });
    renderPage(<AddAccountsPage />, { path: '/admin/new' });
    const file = new File(['username,password\r\nann,pw-ann-123\r\nbob\r\n'], 'class.csv', { type: 'text/csv' });
    await userEvent.upload(screen.getByLabelText('Or read a CSV file'), file);
    await vi.waitFor(() => expect(screen.getByRole('textbox', { name: 'Accounts, one a line' })).toHaveValue('username,password\nann,pw-ann-123\nbob\n')); // a textarea's value has \n line ends
    expect(screen.getByRole('button', { name: 'Create 2 accounts' })).toBeEnabled();
  });

  it('shows the passwords once, then prints a login sheet with a card for each account', async () => {
    const created = [
      { username: 'ann', password: 'gen-ann-Xq9', generated: true },
      { username: 'bob', password: 'bobs-password', generated: false },
    ];
    mockApi({ 'GET /api/admin/users': users, 'POST /api/admin/users/bulk': { status: 201, json: { created } } });
    const print = vi.fn();
    vi.stubGlobal('print', print);
    renderPage(<AddAccountsPage />, { path: '/admin/new' });
    await fillList('ann\nbob,bobs-password');
    await userEvent.click(screen.getByRole('button', { name: 'Create 2 accounts' }));

    const results = await screen.findByRole('table', { name: 'New accounts and their passwords' });
    expect(within(results).getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual(['anngen-ann-Xq9', 'bobbobs-password (from the list)']);
    expect(screen.getByText(/shown only now/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Print login sheet' }));
    expect(print).toHaveBeenCalledTimes(1);
    const cards = within(screen.getByRole('list', { name: 'Login cards' })).getAllByRole('listitem');
    expect(cards).toHaveLength(2);
    expect(cards[0]).toHaveTextContent(`Go to${window.location.origin}/Usernameann` + 'Passwordgen-ann-Xq9');
    expect(cards[1]).toHaveTextContent('Usernamebob' + 'Passwordbobs-password');

    // Back to the results: the passwords are still there until the admin lets them go.
    await userEvent.click(screen.getByRole('button', { name: 'Back to the list' }));
    await userEvent.click(screen.getByRole('button', { name: 'Forget these passwords' }));
    expect(screen.queryByText('gen-ann-Xq9')).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Accounts, one a line' })).toHaveValue('');
  });
});
