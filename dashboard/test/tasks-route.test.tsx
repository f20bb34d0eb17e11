import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp, sampleMe as me } from './app-helpers';
import { mockApi } from './helpers';
import { sampleAlwaysOn, sampleScheduled } from './tasks-fixtures';

const ann = (path: string) => `/api/v0/user/ann/${path}`;

describe('the Tasks page in the dashboard', () => {
  it('is in the main navigation, at /tasks for your own tasks', async () => {
    mockApi({
      'GET /api/auth/me': { json: me() },
      'GET /api/v0/user/bob/schedule/': { json: [] },
      'GET /api/v0/user/bob/always_on/': { json: [] },
    });
    renderApp('/tasks');
    expect(await screen.findByRole('heading', { level: 1, name: 'Tasks' })).toBeInTheDocument();
    expect(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Tasks' })).toHaveAttribute('href', '/tasks');
  });

  it('shows a student\u2019s tasks to their teacher at /u/<student>/tasks, links staying in their account', async () => {
    const api = mockApi({
      'GET /api/auth/me': { json: me() },
      [`GET ${ann('schedule/')}`]: { json: [sampleScheduled({ user: 'ann', logfile: '/user/ann/files/var/log/tasklog-7.log' })] },
      [`GET ${ann('always_on/')}`]: { json: [sampleAlwaysOn({ user: 'ann' })] },
    });
    renderApp('/u/ann/tasks');
    const banner = await screen.findByRole('complementary', { name: 'Whose account this is' });
    expect(banner).toHaveTextContent('Viewing ann as teacher');
    expect(within(banner).getByRole('link', { name: 'Tasks' })).toHaveAttribute('href', '/u/ann/tasks');
    expect(await screen.findByRole('link', { name: 'Log of “python3 /home/alice/send.py --daily”' })).toHaveAttribute('href', '/u/ann/tasks/schedule/7/log');
    expect(await screen.findByRole('link', { name: 'Log of “the bot”' })).toHaveAttribute('href', '/u/ann/tasks/always_on/3/log');
    expect(api.calls.filter((c) => c.url.startsWith('/api/v0/')).every((c) => c.url.startsWith('/api/v0/user/ann/'))).toBe(true);
  });
});

describe('a task\u2019s log', () => {
  it('opens in the log viewer: its tail, its rotated files and a download', async () => {
    const api = mockApi({
      'GET /api/auth/me': { json: me() },
      [`GET ${ann('schedule/7/')}`]: { json: sampleScheduled({ user: 'ann', description: 'reminder' }) },
      [`GET ${ann('schedule/7/log/files/')}`]: {
        json: [
          { name: 'tasklog-7.log', rotation: 0, compressed: false, size: 120, modified: '2026-12-01T16:05:03.000Z' },
          { name: 'tasklog-7.log.1', rotation: 1, compressed: false, size: 10_485_760, modified: '2026-11-30T16:05:03.000Z' },
        ],
      },
      [`GET ${ann('schedule/7/log/')}`]: {
        json: { file: 'tasklog-7.log', offset: 120, truncated: false, lines: ['2026-12-01 16:05:00 UTC run 41 started (run now): python3 send.py', 'sent 3 reminders', '2026-12-01 16:05:03 UTC run 41 ended: exit code 0 after 3.2 s'] },
      },
    });
    renderApp('/u/ann/tasks/schedule/7/log');
    expect(await screen.findByRole('heading', { level: 1, name: 'Log of “reminder”' })).toBeInTheDocument();
    const log = await screen.findByRole('log', { name: 'tasklog-7.log contents' });
    expect(within(log).getByText('sent 3 reminders')).toBeInTheDocument();
    expect(within(log).getByText(/run 41 ended: exit code 0/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download' })).toHaveAttribute('href', `${ann('schedule/7/log')}/download/?rotation=0`);
    expect(await screen.findByRole('option', { name: /tasklog-7\.log\.1 \(10 MiB/ })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to Tasks' })).toHaveAttribute('href', '/u/ann/tasks');
    expect(api.calls.find((c) => c.url.startsWith(`${ann('schedule/7/log')}/?`))?.url).toBe(`${ann('schedule/7/log')}/?lines=1000&rotation=0`);
  });

  it('reads an always-on task\u2019s log from its own routes', async () => {
    mockApi({
      'GET /api/auth/me': { json: me({ username: 'alice' }) },
      'GET /api/v0/user/alice/always_on/3/': { json: sampleAlwaysOn() },
      'GET /api/v0/user/alice/always_on/3/log/files/': { json: [] },
      'GET /api/v0/user/alice/always_on/3/log/': { json: { file: 'alwayson-log-3.log', offset: 10, truncated: true, lines: ['bot: connected'] } },
    });
    renderApp('/tasks/always_on/3/log');
    expect(await screen.findByRole('heading', { level: 1, name: 'Log of “the bot”' })).toBeInTheDocument();
    expect(await screen.findByText('bot: connected')).toBeInTheDocument();
    expect(screen.getByText('Showing the last lines only; download the file for all of it.')).toBeInTheDocument();
  });

  it('is not found for another kind of task or a bad id', async () => {
    mockApi({ 'GET /api/auth/me': { json: me() } });
    renderApp('/tasks/cron/7/log');
    expect(await screen.findByRole('heading', { name: /not found/i })).toBeInTheDocument();
  });
});
