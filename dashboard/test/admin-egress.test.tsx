import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SettingsPage } from '@/features/admin/components/settings-page';
import { mockApi, renderPage } from './helpers';

const defaults = { webapps: 2, consoles: 5, workers: 2, memory_mb: 512, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 };
const base = { signup: 'closed', custom_domains: false };

describe('the Admin settings: internet access for users’ code', () => {
  it('edits the allowlist, one site a line, with PATCH /api/admin/settings', async () => {
    let settings = { ...base, egress: 'allowlist', egress_allow: ['.pypi.org', '.python.org'] };
    const { calls } = mockApi({
      'GET /api/admin/settings': () => ({ json: settings }),
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/settings': ({ body }) => {
        settings = { ...settings, egress_allow: [...(body as { egress_allow: string[] }).egress_allow].sort() };
        return { json: settings };
      },
    });
    renderPage(<SettingsPage />);
    expect(await screen.findByRole('heading', { name: 'Internet access for users’ code' })).toBeInTheDocument();
    expect(screen.getByText(/can reach only the sites listed below/)).toBeInTheDocument();
    const list = screen.getByRole('textbox', { name: 'Allowed sites, one a line' });
    expect(list).toHaveValue('.pypi.org\n.python.org');
    expect(list).toHaveAccessibleDescription(/\.pypi\.org allows the domain and every name below it/);
    const button = screen.getByRole('button', { name: 'Save allowed sites' });
    expect(button).toBeDisabled();
    await userEvent.type(list, '\n  mirror.school.example  \n');
    await userEvent.click(button);
    expect(await screen.findByText('Saved')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ egress_allow: ['.pypi.org', '.python.org', 'mirror.school.example'] }]);
    expect(list).toHaveValue('.pypi.org\n.python.org\nmirror.school.example');
  });

  it('shows the API’s complaint about an entry beside the list, keeping what was typed', async () => {
    const detail = '"https://x.example" is not a domain name: use names such as "pypi.org"';
    mockApi({
      'GET /api/admin/settings': { json: { ...base, egress: 'allowlist', egress_allow: ['.pypi.org'] } },
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/settings': { status: 400, json: { error: 'Bad Request', detail, field: 'egress_allow' } },
    });
    renderPage(<SettingsPage />);
    const list = await screen.findByRole('textbox', { name: 'Allowed sites, one a line' });
    await userEvent.type(list, '\nhttps://x.example');
    await userEvent.click(screen.getByRole('button', { name: 'Save allowed sites' }));
    await waitFor(() => expect(list).toHaveAttribute('aria-invalid', 'true'));
    expect(list).toHaveAccessibleDescription(new RegExp(detail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    expect(list).toHaveValue('.pypi.org\nhttps://x.example');
    expect(screen.queryByText('Saved')).not.toBeInTheDocument();
  });

  it.each([
    ['none', /cannot reach the internet/],
    ['open', /any public address, but never this server or its local network/],
  ])('in %s mode: says what that means, with no list to edit', async (egress, text) => {
    mockApi({
      'GET /api/admin/settings': { json: { ...base, egress, egress_allow: ['.pypi.org'] } },
      'GET /api/admin/limits': { json: defaults },
    });
    renderPage(<SettingsPage />);
    expect(await screen.findByText(text)).toBeInTheDocument();
    expect(screen.queryByRole('textbox', { name: 'Allowed sites, one a line' })).not.toBeInTheDocument();
  });
});
