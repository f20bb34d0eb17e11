import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SettingsPage } from '@/features/admin/components/settings-page';
import { UserPage } from '@/features/admin/components/user-page';
import { adminUser } from './admin-fixtures';
import { mockApi, renderPage } from './helpers';

const defaults = { webapps: 2, consoles: 5, workers: 2, memory_mb: 512, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 };
const explained = 'For consoles and tasks (web apps do not count); past them they go on slowed down until 00:00 UTC; 0: no limit';

describe('the daily CPU seconds limit on the Admin page', () => {
  it('sets the instance default with the other defaults, explained in one line', async () => {
    const { calls } = mockApi({
      'GET /api/admin/settings': { json: { signup: 'closed', custom_domains: false } },
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/limits': ({ body }) => ({ json: { ...defaults, ...(body as object) } }),
    });
    renderPage(<SettingsPage />);
    const field = await screen.findByRole('spinbutton', { name: 'CPU seconds a day' });
    expect(field).toHaveValue(0);
    expect(field).toHaveAccessibleDescription(explained);
    await userEvent.clear(field);
    await userEvent.type(field, '100');
    await userEvent.click(screen.getByRole('button', { name: 'Save default limits' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')).toEqual({ method: 'PATCH', url: '/api/admin/limits', body: { daily_cpu_seconds: 100 } });
  });

  it("sets an account's own allowance on its page", async () => {
    const ann = adminUser('ann', { limits: defaults, overrides: {} });
    const { calls } = mockApi({
      'GET /api/admin/users': { json: { users: [ann, adminUser('root', { is_admin: true })] } },
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/users/ann/limits': ({ body }) => ({ json: { limits: { ...defaults, ...(body as object) }, overrides: body } }),
    });
    renderPage(<UserPage username="ann" me="root" />);
    const field = await screen.findByRole('spinbutton', { name: 'CPU seconds a day' });
    await userEvent.type(field, '3600');
    await userEvent.click(screen.getByRole('button', { name: 'Save limits' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ daily_cpu_seconds: 3600 });
  });
});
