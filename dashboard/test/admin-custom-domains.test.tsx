import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SettingsPage } from '@/features/admin/components/settings-page';
import { UserPage } from '@/features/admin/components/user-page';
import { adminUser } from './admin-fixtures';
import { mockApi, renderPage } from './helpers';

const defaults = { webapps: 2, consoles: 5, workers: 2, memory_mb: 512, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 };

describe('the Admin settings: custom domains', () => {
  it('switches custom domains on with PATCH /api/admin/settings, beside the sign-up mode, and says what that allows', async () => {
    let settings = { signup: 'closed', custom_domains: false };
    const { calls } = mockApi({
      'GET /api/admin/settings': () => ({ json: settings }),
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/settings': ({ body }) => {
        settings = { ...settings, ...(body as object) };
        return { json: settings };
      },
    });
    renderPage(<SettingsPage />);
    const toggle = await screen.findByRole('switch', { name: 'Allow custom domains' });
    expect(screen.getByRole('group', { name: 'Who may make their own account' })).toBeInTheDocument();
    expect(toggle).not.toBeChecked();
    expect(toggle).toHaveAccessibleDescription(/a domain of their own .* up to each account’s Custom domains limit/);
    await userEvent.click(toggle);
    expect(await screen.findByText('Saved')).toBeInTheDocument();
    expect(toggle).toBeChecked();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ custom_domains: true }]);
  });

  it('stays where it was, saying why, when the change is refused', async () => {
    mockApi({
      'GET /api/admin/settings': { json: { signup: 'closed', custom_domains: true } },
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/settings': { status: 403, json: { error: 'Forbidden', detail: 'admins only' } },
    });
    renderPage(<SettingsPage />);
    const toggle = await screen.findByRole('switch', { name: 'Allow custom domains' });
    await userEvent.click(toggle);
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not change it: admins only');
    expect(toggle).toBeChecked();
  });

  it('sets the default custom_domains limit with the other defaults, explained in one line', async () => {
    const { calls } = mockApi({
      'GET /api/admin/settings': { json: { signup: 'closed', custom_domains: true } },
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/limits': ({ body }) => ({ json: { ...defaults, ...(body as object) } }),
    });
    renderPage(<SettingsPage />);
    const field = await screen.findByRole('spinbutton', { name: 'Custom domains' });
    expect(field).toHaveValue(1);
    expect(field).toHaveAccessibleDescription('Web apps and websites (together) at a domain of their own, once custom domains are allowed');
    await userEvent.clear(field);
    await userEvent.type(field, '3');
    await userEvent.click(screen.getByRole('button', { name: 'Save default limits' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')).toEqual({ method: 'PATCH', url: '/api/admin/limits', body: { custom_domains: 3 } });
  });
});

describe("an account's custom_domains limit", () => {
  it('overrides the default on the account page, and an emptied field goes back to it', async () => {
    const ann = adminUser('ann', { limits: defaults, overrides: {} });
    let overrides: Record<string, number> = {};
    const { calls } = mockApi({
      'GET /api/admin/users': () => ({ json: { users: [{ ...ann, overrides, limits: { ...defaults, ...overrides } }, adminUser('root', { is_admin: true })] } }),
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/users/ann/limits': ({ body }) => {
        const change = body as Record<string, number | null>;
        overrides = change.custom_domains === null ? {} : { custom_domains: change.custom_domains! };
        return { json: { limits: { ...defaults, ...overrides }, overrides } };
      },
    });
    renderPage(<UserPage username="ann" me="root" />);
    const field = await screen.findByRole('spinbutton', { name: 'Custom domains' });
    await waitFor(() => expect(field).toHaveAttribute('placeholder', 'default 1'));
    expect(field).toHaveAccessibleDescription('Web apps and websites (together) at a domain of their own, once custom domains are allowed; now 1 (the default)');
    await userEvent.type(field, '4');
    await userEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    await waitFor(() => expect(screen.getByRole('spinbutton', { name: 'Custom domains' })).toHaveAccessibleDescription(/; now 4$/));
    await userEvent.clear(screen.getByRole('spinbutton', { name: 'Custom domains' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ custom_domains: 4 }, { custom_domains: null }]);
  });
});
