import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ArchivesPage } from '@/features/admin/components/archives-page';
import { adminUser } from './admin-fixtures';
import { mockApi, renderPage } from './helpers';

const archive = { name: 'ann-20260110T090000Z.tar.gz', username: 'ann', created_at: '2026-01-10T09:00:00.000Z', bytes: 20480 };

describe('the Archives page', () => {
  it('restores an account and shows, once, the password made when the archive kept none', async () => {
    let archives = [archive];
    const api = mockApi({
      'GET /api/admin/archives': () => ({ json: { archives } }),
      'GET /api/admin/users': { json: { users: [] } },
      [`POST /api/admin/archives/${archive.name}/restore`]: () => {
        archives = [];
        return { status: 201, json: { ...adminUser('ann'), password: 'made-up-pass-123' } };
      },
    });
    renderPage(<ArchivesPage />);
    await userEvent.click(await screen.findByRole('button', { name: `Restore ${archive.name}` }));
    await userEvent.click(screen.getByRole('button', { name: 'Restore account' }));
    expect(await screen.findByRole('status')).toHaveTextContent('ann is restored.');
    expect(screen.getByLabelText('Password for ann')).toHaveValue('made-up-pass-123');
    expect(await screen.findByText('No archives.')).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({});
  });

  it('says nothing of a password when the account keeps its old one', async () => {
    mockApi({
      'GET /api/admin/archives': { json: { archives: [archive] } },
      'GET /api/admin/users': { json: { users: [] } },
      [`POST /api/admin/archives/${archive.name}/restore`]: { status: 201, json: adminUser('ann') },
    });
    renderPage(<ArchivesPage />);
    await userEvent.click(await screen.findByRole('button', { name: `Restore ${archive.name}` }));
    await userEvent.click(screen.getByRole('button', { name: 'Restore account' }));
    expect(await screen.findByRole('status')).toHaveTextContent('ann is restored.');
    expect(screen.queryByLabelText('Password for ann')).toBeNull();
  });
});
