import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { daysLeft, ExpiryBanner } from '@/features/teaching/components/expiry-banner';
import { renderApp, sampleMe } from './app-helpers';
import { mockApi, renderPage, type Call } from './helpers';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-12-01T12:00:00Z');

const entry = (id: number, over: Record<string, unknown> = {}) => ({
  id, at: '2026-12-01T10:00:00Z', actor: 'bob', role: 'teacher', method: 'GET', path: '/files/path/home/ann/app.py', status: 200, ...over,
});

const ann = (over: Record<string, unknown> = {}) => sampleMe({ username: 'ann', is_teacher: false, teacher: 'bob', ...over });

describe('the expiry warning', () => {
  it('appears only in the last seven days before the account ends', () => {
    expect(daysLeft(null, NOW)).toBeNull();
    expect(daysLeft(new Date(NOW + 8 * DAY).toISOString(), NOW)).toBeNull();
    expect(daysLeft(new Date(NOW + 6.5 * DAY).toISOString(), NOW)).toBe(6);
    expect(daysLeft(new Date(NOW + 2 * 60 * 60 * 1000).toISOString(), NOW)).toBe(0);
    expect(daysLeft(new Date(NOW - DAY).toISOString(), NOW)).toBeNull();
  });

  it('says when, in days and as a date', () => {
    renderPage(<ExpiryBanner expiresAt={new Date(NOW + 3 * DAY + 60_000).toISOString()} now={NOW} />);
    expect(screen.getByRole('status')).toHaveTextContent(/This account expires in 3 days, on .*2026/);
  });

  it('is on every page of a workshop account about to end, not on others', async () => {
    mockApi({
      'GET /api/auth/me': { json: ann({ expires_at: new Date(Date.now() + 2 * DAY).toISOString() }) },
      'GET /api/v0/user/ann/consoles/': { json: [] },
    });
    renderApp('/consoles');
    expect(await screen.findByText(/This account expires in (1 day|2 days)/)).toBeInTheDocument();
  });
});

describe('the Account page of a student', () => {
  it('names the teacher, removes them after confirming, and reads who is signed in again', async () => {
    let teacher: string | null = 'bob';
    const api = mockApi({
      'GET /api/auth/me': () => ({ json: ann({ teacher }) }),
      'GET /api/auth/audit': { json: { entries: [] } },
      'GET /api/auth/tokens': { json: [] },
      'DELETE /api/auth/teacher': () => {
        teacher = null;
        return { status: 204 };
      },
    });
    renderApp('/account');
    const section = await screen.findByRole('region', { name: 'Your teacher' });
    expect(section).toHaveTextContent('Your teacher is bob');
    await userEvent.click(within(section).getByRole('button', { name: 'Remove my teacher' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove teacher' }));
    expect(await within(section).findByLabelText("Your teacher's username")).toBeInTheDocument();
    expect(api.calls.filter((c: Call) => c.url === '/api/auth/me').length).toBeGreaterThan(1);
  });

  it('names a teacher, and shows the API\u2019s refusal next to the field', async () => {
    const api = mockApi({
      'GET /api/auth/me': { json: ann({ teacher: null }) },
      'GET /api/auth/audit': { json: { entries: [] } },
      'GET /api/auth/tokens': { json: [] },
      'PUT /api/auth/teacher': { status: 400, json: { error: 'Bad Request', detail: 'there is no teacher "bbo" here', field: 'username' } },
    });
    renderApp('/account');
    await userEvent.type(await screen.findByLabelText("Your teacher's username"), ' bbo ');
    await userEvent.click(screen.getByRole('button', { name: 'Make them my teacher' }));
    expect(await screen.findByText('there is no teacher "bbo" here')).toBeInTheDocument();
    expect(screen.getByLabelText("Your teacher's username")).toHaveAttribute('aria-invalid', 'true');
    expect(api.calls.find((c) => c.method === 'PUT')?.body).toEqual({ username: 'bbo' });
  });

  it('lists the audit log newest first and pages to older entries', async () => {
    const first = Array.from({ length: 50 }, (_, i) => entry(200 - i));
    const api = mockApi({
      'GET /api/auth/me': { json: ann({ expires_at: '2027-03-01T17:00:00Z' }) },
      'GET /api/auth/tokens': { json: [] },
      'GET /api/auth/audit': (call) =>
        call.url.includes('before=151')
          ? { json: { entries: [entry(12, { actor: 'root1', role: 'admin', method: 'DELETE', path: '/webapps/ann.localhost/', status: 204 })] } }
          : { json: { entries: first } },
    });
    renderApp('/account');
    expect(await screen.findByText(/This account expires on/)).toHaveTextContent('2027');
    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(within(table).getAllByText('looked at /files/path/home/ann/app.py')[0]).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Older entries' }));
    expect(await within(table).findByText('deleted /webapps/ann.localhost/')).toBeInTheDocument();
    expect(within(table).getByText('root1').closest('tr')).toHaveTextContent('(admin)');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Older entries' })).toBeNull());
    expect(api.calls.filter((c) => c.url.startsWith('/api/auth/audit')).map((c) => c.url)).toEqual(['/api/auth/audit?limit=50', '/api/auth/audit?limit=50&before=151']);
  });
});
