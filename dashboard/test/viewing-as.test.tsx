import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ownPathOf, pathsFor } from '@/lib/paths';
import { renderApp, sampleMe as me } from './app-helpers';
import { mockApi } from './helpers';

const listing = {
  mysite: { type: 'directory', url: 'x', size: 0, modified: '2026-11-25T09:00:00.000Z' },
  'app.py': { type: 'file', url: 'x', size: 12, modified: '2026-11-25T09:00:00.000Z' },
};

const consoleInfo = {
  id: 7, user: 'ann', executable: 'bash', arguments: '', working_directory: null, name: 'Bash console 7', console_url: '/consoles/7/',
  state: 'running', exit_code: null, exit_reason: null, created_at: '2026-11-25T10:00:00Z', websocket_url: '/api/v0/user/ann/consoles/7/ws/',
};

describe('the dashboard URLs of an account', () => {
  it('puts your own pages at the root and someone else\u2019s under /u/<name>, every segment encoded', () => {
    expect(pathsFor(null).files('/home/bob/my site')).toBe('/files/home/bob/my%20site');
    const ann = pathsFor('ann');
    expect(ann.web).toBe('/u/ann/web');
    expect(ann.webapp('ann.localhost')).toBe('/u/ann/web/ann.localhost');
    expect(ann.logs('ann.localhost', 'error')).toBe('/u/ann/web/ann.localhost/logs/error');
    expect(ann.files('/home/ann/a#b')).toBe('/u/ann/files/home/ann/a%23b');
    expect(ann.edit('/var/www/ann_localhost_wsgi.py')).toBe('/u/ann/edit/var/www/ann_localhost_wsgi.py');
    expect(ann.console(7)).toBe('/u/ann/consoles/7');
  });

  it('maps a link to your own account under /u/ back to your own page', () => {
    expect(ownPathOf('/u/bob/files/home/bob', 'bob')).toBe('/files/home/bob');
    expect(ownPathOf('/u/bob', 'bob')).toBe('/web');
    expect(ownPathOf('/u/bobby/web', 'bob')).toBeNull();
  });
});

describe('viewing a student as their teacher', () => {
  it('shows the student\u2019s files under a banner, every link staying in their account', async () => {
    const api = mockApi({
      'GET /api/auth/me': { json: me() },
      'GET /api/v0/user/ann/files/path/home/ann/': { json: listing },
    });
    renderApp('/u/ann/files/home/ann');
    const banner = await screen.findByRole('complementary', { name: 'Whose account this is' });
    expect(banner).toHaveTextContent('Viewing ann as teacher');
    expect(within(banner).getByRole('link', { name: 'Back to your own dashboard' })).toHaveAttribute('href', '/web');
    expect(within(banner).getByRole('link', { name: 'Consoles' })).toHaveAttribute('href', '/u/ann/consoles');
    const table = await screen.findByRole('table', { name: 'Contents of /home/ann' });
    expect(within(table).getByRole('link', { name: 'mysite/' })).toHaveAttribute('href', '/u/ann/files/home/ann/mysite');
    expect(within(table).getByRole('link', { name: 'app.py' })).toHaveAttribute('href', '/u/ann/edit/home/ann/app.py');
    expect(screen.getByRole('navigation', { name: 'Places' }).querySelector('a')).toHaveAttribute('href', '/u/ann/files/home/ann');
    // The API is asked about the student's things, never the teacher's.
    expect(api.calls.filter((c) => c.url.startsWith('/api/v0/')).every((c) => c.url.startsWith('/api/v0/user/ann/'))).toBe(true);
  });

  it('says "as admin" to an administrator and links consoles inside the account', async () => {
    mockApi({
      'GET /api/auth/me': { json: me({ username: 'root1', is_admin: true, is_teacher: false }) },
      'GET /api/v0/user/ann/consoles/': { json: [consoleInfo] },
    });
    renderApp('/u/ann/consoles');
    expect(await screen.findByRole('complementary', { name: 'Whose account this is' })).toHaveTextContent('Viewing ann as admin');
    expect(await screen.findByRole('link', { name: 'Bash console 7' })).toHaveAttribute('href', '/u/ann/consoles/7');
  });

  it('sends you to your own page when the URL names you, and keeps your own pages bannerless', async () => {
    mockApi({
      'GET /api/auth/me': { json: me() },
      'GET /api/v0/user/bob/files/path/home/bob/': { json: listing },
    });
    const { router } = renderApp('/u/bob/files/home/bob');
    await waitFor(() => expect(router.state.location.pathname).toBe('/files/home/bob'));
    expect(await screen.findByRole('table', { name: 'Contents of /home/bob' })).toBeInTheDocument();
    expect(screen.queryByRole('complementary', { name: 'Whose account this is' })).toBeNull();
    expect(screen.getByRole('link', { name: 'mysite/' })).toHaveAttribute('href', '/files/home/bob/mysite');
  });

  it('tells someone who is neither a teacher nor an admin that it is not theirs, without asking the API', async () => {
    const api = mockApi({ 'GET /api/auth/me': { json: me({ is_teacher: false }) } });
    renderApp('/u/ann/web');
    expect(await screen.findByRole('heading', { name: 'Not yours to see' })).toBeInTheDocument();
    expect(api.calls.some((c) => c.url.startsWith('/api/v0/'))).toBe(false);
  });

  it('shows the API\u2019s answer when the account is not a student of yours', async () => {
    mockApi({
      'GET /api/auth/me': { json: me() },
      'GET /api/v0/user/zed/webapps/': { status: 404, json: { error: 'Not Found', detail: 'no user "zed" that you can see' } },
    });
    renderApp('/u/zed/web');
    expect(await screen.findAllByText(/no user "zed" that you can see/)).not.toHaveLength(0);
  });
});
