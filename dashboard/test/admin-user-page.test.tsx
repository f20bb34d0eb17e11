import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { UserPage } from '@/features/admin/components/user-page';
import { adminUser } from './admin-fixtures';
import { mockApi, renderPage } from './helpers';

const ann = adminUser('ann', { limits: { webapps: 3, consoles: 5, workers: 2, memory_mb: 512 }, overrides: { webapps: 3 } });
const base = {
  'GET /api/admin/users': { json: { users: [ann, adminUser('root', { is_admin: true }), adminUser('tom', { is_teacher: true })] } },
  'GET /api/admin/limits': { json: { webapps: 2, consoles: 5, workers: 2, memory_mb: 512 } },
};

describe("an account's Admin page", () => {
  it('resets the password after asking, and shows the new one once', async () => {
    const api = mockApi({ ...base, 'POST /api/admin/users/ann/password': { json: { password: 'made-up-Pw-77' } } });
    renderPage(<UserPage username="ann" me="root" />);
    await userEvent.click(await screen.findByRole('button', { name: 'Reset password' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset the password of ann?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    expect(await screen.findByRole('textbox', { name: 'New password for ann' })).toHaveValue('made-up-Pw-77');
    expect(screen.getByText(/every session and API token of theirs has ended/)).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'POST')).toEqual({ method: 'POST', url: '/api/admin/users/ann/password', body: {} });
  });

  it('saves only the roles, teacher and expiry that changed', async () => {
    const api = mockApi({ ...base, 'PATCH /api/admin/users/ann': ({ body }) => ({ json: { ...ann, ...(body as object) } }) });
    renderPage(<UserPage username="ann" me="root" />);
    const save = await screen.findByRole('button', { name: 'Save' });
    expect(save).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: /Teacher:/ }));
    await userEvent.type(screen.getByRole('combobox', { name: 'Teacher' }), 'tom');
    await userEvent.click(save);
    await vi.waitFor(() => expect(api.calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(api.calls.find((c) => c.method === 'PATCH')!.body).toEqual({ is_teacher: true, teacher: 'tom' });
  });

  it('sets limits beside the defaults; an emptied one goes back to the default', async () => {
    const api = mockApi({ ...base, 'PATCH /api/admin/users/ann/limits': { json: { limits: { webapps: 2, consoles: 1, workers: 2, memory_mb: 512 }, overrides: { consoles: 1 } } } });
    renderPage(<UserPage username="ann" me="root" />);
    const webapps = await screen.findByRole('spinbutton', { name: 'Web apps' });
    expect(webapps).toHaveValue(3);
    await vi.waitFor(() => expect(screen.getByRole('spinbutton', { name: 'Consoles open at once' })).toHaveAttribute('placeholder', 'default 5'));
    await userEvent.clear(webapps);
    await userEvent.type(screen.getByRole('spinbutton', { name: 'Consoles open at once' }), '1');
    await userEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    await vi.waitFor(() => expect(api.calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(api.calls.find((c) => c.method === 'PATCH')).toEqual({ method: 'PATCH', url: '/api/admin/users/ann/limits', body: { webapps: null, consoles: 1 } });
  });

  it("shows the API's complaint about one limit at its field (the limits route names the limit itself)", async () => {
    mockApi({ ...base, 'PATCH /api/admin/users/ann/limits': { status: 400, json: { error: 'Bad Request', detail: 'workers must be a whole number from 1 to 16, or null for the default', field: 'workers' } } });
    renderPage(<UserPage username="ann" me="root" />);
    await userEvent.type(await screen.findByRole('spinbutton', { name: /Workers/ }), '17');
    await userEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    expect(await screen.findByRole('spinbutton', { name: /Workers/ })).toHaveAccessibleDescription(/workers must be a whole number from 1 to 16/);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers no disable, delete or un-admin of your own account', async () => {
    mockApi(base);
    renderPage(<UserPage username="root" me="root" />);
    expect(await screen.findByText(/cannot disable or delete your own account/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Delete root/ })).toBeNull();
    expect(screen.getByRole('checkbox', { name: /Administrator/ })).toBeDisabled();
  });
});
