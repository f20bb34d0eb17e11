import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, sampleMe } from './app-helpers';
import { mockApi } from './helpers';

const student = (over: Record<string, unknown> = {}) => ({
  username: 'ann', webapps: ['ann.localhost'], consoles: 1, last_login_at: '2026-12-01T09:00:00Z', expires_at: null, disabled: false, ...over,
});

const invite = (over: Record<string, unknown> = {}) => ({
  id: 3, label: 'Django Girls', created_by: 'bob', created_at: '2026-12-01T08:00:00Z', expires_at: null, max_uses: 30, uses: 2,
  accounts_expire_at: '2026-12-13T17:00:00Z', status: 'active', ...over,
});

describe('the Students page', () => {
  it('lists students with links into their account, and removes one after confirming', async () => {
    let students = [student(), student({ username: 'cy', webapps: [], consoles: 0, disabled: true })];
    const api = mockApi({
      'GET /api/auth/me': { json: sampleMe() },
      'GET /api/teaching/students': () => ({ json: { students } }),
      'GET /api/teaching/invites': { json: { invites: [] } },
      'DELETE /api/v0/user/bob/students/ann': () => {
        students = students.filter((s) => s.username !== 'ann');
        return { status: 204 };
      },
    });
    renderApp('/students');
    const table = await screen.findByRole('table', { name: 'Your students' });
    const annRow = within(table).getByRole('rowheader', { name: 'ann' }).closest('tr')!;
    expect(within(annRow).getByRole('link', { name: 'Files of ann' })).toHaveAttribute('href', '/u/ann/files/home/ann');
    expect(within(annRow).getByRole('link', { name: 'Consoles of ann' })).toHaveAttribute('href', '/u/ann/consoles');
    expect(within(annRow).getByRole('link', { name: 'Web tab of ann' })).toHaveAttribute('href', '/u/ann/web');
    expect(within(annRow).getByRole('link', { name: 'ann.localhost' })).toHaveAttribute('href', '/u/ann/web/ann.localhost');
    expect(within(table).getByRole('rowheader', { name: 'cy' }).closest('tr')).toHaveTextContent('disabled');

    await userEvent.click(within(annRow).getByRole('button', { name: 'Remove student ann' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove ann from your students?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove student' }));
    await waitFor(() => expect(within(table).queryByRole('rowheader', { name: 'ann' })).toBeNull());
    expect(api.calls.some((c) => c.method === 'DELETE' && c.url === '/api/v0/user/bob/students/ann')).toBe(true);
  });

  it('makes an invite code, shows its link once with a copy button, and withdraws a code', async () => {
    let invites = [invite()];
    const api = mockApi({
      'GET /api/auth/me': { json: sampleMe() },
      'GET /api/teaching/students': { json: { students: [] } },
      'GET /api/teaching/invites': () => ({ json: { invites } }),
      'POST /api/teaching/invites': (call) => {
        const made = invite({ id: 4, label: 'Saturday', max_uses: 25, uses: 0, ...(call.body as object) });
        invites = [made, ...invites];
        return { status: 201, json: { ...made, code: 'c0de', link: 'http://localhost:8080/signup?code=c0de' } };
      },
      'DELETE /api/teaching/invites/3': () => {
        invites = invites.map((i) => (i.id === 3 ? { ...i, status: 'revoked' } : i));
        return { status: 204 };
      },
    });
    renderApp('/students');
    expect(await screen.findByText(/No students yet/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Label'), 'Saturday');
    await userEvent.type(screen.getByLabelText('Max uses (optional)'), '25');
    await userEvent.type(screen.getByLabelText('Accounts expire (optional)'), '2026-12-13T17:00');
    await userEvent.click(screen.getByRole('button', { name: 'Create invite code' }));

    expect(await screen.findByLabelText('Sign-up link')).toHaveValue('http://localhost:8080/signup?code=c0de');
    expect(screen.getByText(/it is shown only once/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Copy link' })).toBeInTheDocument();
    const body = api.calls.find((c) => c.method === 'POST')?.body as Record<string, unknown>;
    expect(body).toEqual({ label: 'Saturday', max_uses: 25, accounts_expire_at: new Date('2026-12-13T17:00').toISOString() });

    const table = await screen.findByRole('table', { name: 'Invite codes' });
    await waitFor(() => expect(within(table).getByRole('rowheader', { name: 'Saturday' })).toBeInTheDocument());
    const old = within(table).getByRole('rowheader', { name: 'Django Girls' }).closest('tr')!;
    expect(old).toHaveTextContent('2 of 30');
    await userEvent.click(within(old).getByRole('button', { name: 'Withdraw Django Girls' }));
    await userEvent.click(screen.getByRole('button', { name: 'Withdraw code' }));
    await waitFor(() => expect(old).toHaveTextContent('withdrawn'));
    expect(within(old).queryByRole('button', { name: 'Withdraw Django Girls' })).toBeNull();
  });

  it('refuses a max uses of 0 next to the field without asking the server', async () => {
    const api = mockApi({
      'GET /api/auth/me': { json: sampleMe() },
      'GET /api/teaching/students': { json: { students: [] } },
      'GET /api/teaching/invites': { json: { invites: [] } },
    });
    renderApp('/students');
    await userEvent.type(await screen.findByLabelText('Max uses (optional)'), '0');
    await userEvent.click(screen.getByRole('button', { name: 'Create invite code' }));
    expect(await screen.findByText(/a whole number, 1 or more/)).toBeInTheDocument();
    expect(screen.getByLabelText('Max uses (optional)')).toHaveAttribute('aria-invalid', 'true');
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('shows the API\u2019s refusal of a code (sign-up closed) where the form is', async () => {
    mockApi({
      'GET /api/auth/me': { json: sampleMe() },
      'GET /api/teaching/students': { json: { students: [] } },
      'GET /api/teaching/invites': { json: { invites: [] } },
      'POST /api/teaching/invites': { status: 409, json: { error: 'Conflict', detail: 'sign-up is closed on this Pyhost, so an invite code would not work' } },
    });
    renderApp('/students');
    await userEvent.click(await screen.findByRole('button', { name: 'Create invite code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('sign-up is closed on this Pyhost');
  });
});

describe('signing up with an invite link', () => {
  const anonymous = { 'GET /api/auth/me': { status: 401, json: { error: 'Unauthorized', detail: 'not logged in' } } };

  it('says whose class you join and until when, and sends the code with the sign-up', async () => {
    let signedUp = false;
    const api = mockApi({
      'GET /api/auth/me': () => (signedUp ? { json: sampleMe({ username: 'ann', teacher: 'bob', is_teacher: false }) } : anonymous['GET /api/auth/me']),
      'GET /api/instance': { json: { signup: 'invite', domain: 'localhost' } },
      'GET /api/auth/invite': { json: { valid: true, teacher: 'bob', accounts_expire_at: '2026-12-13T17:00:00Z' } },
      'POST /api/auth/signup': () => {
        signedUp = true;
        return { status: 201, json: { username: 'ann', is_admin: false, uid: 10003 } };
      },
      'GET /api/v0/user/ann/webapps/': { json: [] },
    });
    const { router } = renderApp('/signup?code=abc%2Fdef');
    expect(await screen.findByText(/You are joining the class of/)).toHaveTextContent('bob');
    expect(screen.getByText(/This account expires on/)).toHaveTextContent('2026');
    expect(api.calls.find((c) => c.url.startsWith('/api/auth/invite'))?.url).toBe('/api/auth/invite?code=abc%2Fdef');
    await userEvent.type(screen.getByLabelText('Username'), 'ann');
    await userEvent.type(screen.getByLabelText('Password'), 'a-long-password');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/web/new'));
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ username: 'ann', password: 'a-long-password', code: 'abc/def' });
  });

  it('shows why a code cannot be used, and no form', async () => {
    mockApi({
      ...anonymous,
      'GET /api/instance': { json: { signup: 'invite', domain: 'localhost' } },
      'GET /api/auth/invite': { json: { valid: false, teacher: null, accounts_expire_at: null, reason: 'this invite code expired on 2026-11-30: ask your teacher for a new one' } },
    });
    renderApp('/signup?code=old');
    expect(await screen.findByRole('alert')).toHaveTextContent('this invite code expired on 2026-11-30');
    expect(screen.queryByLabelText('Username')).toBeNull();
  });

  it('asks for a teacher\u2019s link when sign-up needs one and none was given', async () => {
    mockApi({ ...anonymous, 'GET /api/instance': { json: { signup: 'invite', domain: 'localhost' } } });
    renderApp('/signup');
    expect(await screen.findByRole('alert')).toHaveTextContent('You need a sign-up link from your teacher');
    expect(screen.queryByLabelText('Username')).toBeNull();
  });
});
