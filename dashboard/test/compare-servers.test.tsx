import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CompareRun } from '@pyhost/control-plane/api-types';
import { CompareServers } from '@/features/compare/components/compare-servers';
import { mockApi, renderPage } from './helpers';

const base = '/api/v0/user/alice/webapps/alice.localhost/';
const level = (connections: number, rps: number, error = false) => ({
  connections, requests_per_second: rps, p50_ms: 3.2, p99_ms: 12, requests: error ? 300 : Math.round(rps * 3), errors: error ? 120 : 0, error,
});
// The article's numbers.
const done: CompareRun = {
  id: 4, state: 'done', path: '/', seconds_per_level: 3, connections: [1, 10, 20], current_server: 'uwsgi',
  servers: [
    { server: 'runserver', label: 'runserver', production: false, start_error: null, levels: [level(1, 282.6), level(10, 310), level(20, 0, true)] },
    { server: 'gunicorn', label: 'gunicorn', production: true, start_error: null, levels: [level(1, 303.7), level(10, 1069.6), level(20, 1399.9)] },
    { server: 'uwsgi', label: 'uWSGI', production: true, start_error: null, levels: [level(1, 406.5), level(10, 1024.4), level(20, 1303.4)] },
  ],
  winner: 'gunicorn',
  summary: "At 20 connections gunicorn served the most. runserver is Django's development server.",
  error: null, created_at: '2026-12-01T10:00:00Z', finished_at: '2026-12-01T10:00:31Z',
};

describe('Compare servers', () => {
  it("shows the article's table for the app, its bars, what they mean, and offers the winner", async () => {
    const { calls } = mockApi({
      [`GET ${base}`]: { json: { server: 'uwsgi' } },
      [`GET ${base}compare/`]: { json: [done] },
      [`PATCH ${base}`]: { json: { server: 'gunicorn' } },
      'GET /api/v0/user/alice/webapps/': { json: [] },
    });
    renderPage(<CompareServers username="alice" domain="alice.localhost" />);
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual([
      'Server1 connection10 connections20 connections',
      expect.stringMatching(/^runserver282\.6.*310\.0.*Error120 of 300 failed$/),
      expect.stringMatching(/^gunicorn \(fastest\)303\.7.*1069\.6.*1399\.9/),
      expect.stringMatching(/^uWSGI \(live\)406\.5.*1024\.4.*1303\.4/),
    ]);
    expect(screen.getByRole('img', { name: 'Requests per second by server and connections' })).toBeInTheDocument();
    expect(screen.getByText(/runserver is Django's development server/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Switch the live app to gunicorn' }));
    expect(await screen.findByRole('status')).toHaveTextContent('The app now runs under gunicorn');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ server: 'gunicorn' });
  });

  it('starts a run on the path given, and says why one is refused', async () => {
    const { calls } = mockApi({
      [`GET ${base}`]: { json: { server: 'gunicorn' } },
      [`GET ${base}compare/`]: { json: [] },
      [`POST ${base}compare/`]: { status: 409, json: { error: 'Conflict', detail: 'a comparison of your servers is already running' } },
    });
    renderPage(<CompareServers username="alice" domain="alice.localhost" />);
    const input = await screen.findByLabelText('Path to measure');
    await userEvent.clear(input);
    await userEvent.type(input, '/posts/');
    await userEvent.click(screen.getByRole('button', { name: 'Compare servers' }));
    expect(await screen.findByText('a comparison of your servers is already running')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ path: '/posts/' });
  });

  it('never offers a switch when the live app already runs the winner', async () => {
    mockApi({ [`GET ${base}`]: { json: { server: 'gunicorn' } }, [`GET ${base}compare/`]: { json: [done] } });
    renderPage(<CompareServers username="alice" domain="alice.localhost" />);
    await screen.findByRole('table');
    expect(screen.queryByRole('button', { name: /Switch the live app/ })).toBeNull();
  });
});
