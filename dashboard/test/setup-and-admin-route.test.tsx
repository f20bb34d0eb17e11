import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Outlet, RouterProvider, createMemoryRouter } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { AdminRoute } from '@/app/routes/admin';
import { appRoutes } from '@/app/router';
import { createQueryClient } from '@/lib/query-client';
import { LoginRoute } from '@/app/routes/auth';
import { SetupForm } from '@/features/auth/components/setup-form';
import { adminUser } from './admin-fixtures';
import { mockApi, renderPage } from './helpers';

const me = { username: 'ann', is_admin: false, is_teacher: false, teacher: null, expires_at: null, uid: 10001, csrf_token: 'c', signup: 'closed', domain: 'localhost' };

const fill = async (token: string, username: string, password: string, again = password) => {
  await userEvent.type(screen.getByLabelText('Setup token'), token);
  await userEvent.type(screen.getByLabelText('Username'), username);
  await userEvent.type(screen.getByLabelText('Password'), password);
  await userEvent.type(screen.getByLabelText('Password again'), again);
  await userEvent.click(screen.getByRole('button', { name: 'Create the first admin' }));
};

describe('first-run setup', () => {
  it('creates the first admin with the token, then learns who is signed in', async () => {
    const api = mockApi({
      'POST /api/auth/setup': { status: 201, json: { username: 'teacher', is_admin: true, uid: 10001 } },
      'GET /api/auth/me': { json: { ...me, username: 'teacher', is_admin: true } },
    });
    const onSuccess = vi.fn();
    renderPage(<SetupForm onSuccess={onSuccess} />);
    await fill(' tok-123 ', ' teacher ', 'a-long-password');
    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(api.calls[0]).toEqual({ method: 'POST', url: '/api/auth/setup', body: { token: 'tok-123', username: 'teacher', password: 'a-long-password' } });
    expect(api.calls.some((c) => c.url === '/api/auth/me')).toBe(true);
  });

  it('sends nothing while the two passwords differ', async () => {
    const api = mockApi({});
    renderPage(<SetupForm onSuccess={vi.fn()} />);
    await fill('tok', 'teacher', 'a-long-password', 'a-long-passw0rd');
    expect(screen.getByLabelText('Password again')).toHaveAccessibleDescription('The two passwords are not the same.');
    expect(api.calls).toEqual([]);
  });

  it("puts a wrong token's message beside the token", async () => {
    mockApi({ 'POST /api/auth/setup': { status: 403, json: { error: 'Forbidden', detail: "wrong setup token (it is in the api's log; each start prints a new one)" } } });
    renderPage(<SetupForm onSuccess={vi.fn()} />);
    await fill('nope', 'teacher', 'a-long-password');
    const token = screen.getByLabelText('Setup token');
    await vi.waitFor(() => expect(token).toHaveAttribute('aria-invalid', 'true'));
    expect(token).toHaveAccessibleDescription(/wrong setup token/);
  });

  it('says when the instance is already set up, with a link to log in', async () => {
    mockApi({ 'POST /api/auth/setup': { status: 409, json: { error: 'Conflict', detail: 'this Pyhost is already set up: log in, or ask an administrator for an account' } } });
    renderPage(<SetupForm onSuccess={vi.fn()} />);
    await fill('tok', 'teacher', 'a-long-password');
    expect(await screen.findByRole('alert')).toHaveTextContent('this Pyhost is already set up');
    expect(screen.getByRole('link', { name: 'Log in' })).toHaveAttribute('href', '/login');
  });

  it('the login page sends people to /setup while no account exists', async () => {
    mockApi({ 'GET /api/auth/me': { status: 401, json: { error: 'Unauthorized', detail: 'log in first' } }, 'GET /api/auth/setup': { json: { required: true } }, 'GET /api/instance': { json: { signup: 'closed', domain: 'localhost' } } });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const router = createMemoryRouter([{ path: '/login', element: <LoginRoute /> }, { path: '/setup', element: <p>the setup page</p> }], { initialEntries: ['/login'] });
    render(<QueryClientProvider client={client}><RouterProvider router={router} /></QueryClientProvider>);
    expect(await screen.findByText('the setup page')).toBeInTheDocument();
  });

  it.each([
    { signup: 'open', link: true, words: null },
    { signup: 'invite', link: true, words: 'you need a sign-up link from your teacher' },
    { signup: 'closed', link: false, words: null },
  ])('the login page offers sign-up as the mode $signup allows', async ({ signup, link, words }) => {
    const mocked = mockApi({ 'GET /api/auth/me': { status: 401, json: { error: 'Unauthorized', detail: 'log in first' } }, 'GET /api/auth/setup': { json: { required: false } }, 'GET /api/instance': { json: { signup, domain: 'localhost' } } });
    renderPage(<LoginRoute />, { path: '/login' });
    expect(await screen.findByRole('button', { name: 'Log in' })).toBeInTheDocument();
    if (link) expect(await screen.findByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/signup');
    else await vi.waitFor(() => expect(mocked.calls.some((c) => c.url === '/api/instance')).toBe(true));
    if (words) expect(screen.getByText(new RegExp(words))).toBeInTheDocument();
    if (!link) expect(screen.queryByRole('link', { name: 'Create an account' })).toBeNull();
  });
});

describe('the Admin section', () => {
  it('tells a signed-in non-admin that it is for admins only, and asks the API nothing', async () => {
    const api = mockApi({});
    const client = new QueryClient();
    const router = createMemoryRouter(
      [{ element: <Outlet context={me} />, children: [{ path: '/admin/*', element: <AdminRoute /> }] }],
      { initialEntries: ['/admin'] },
    );
    render(<QueryClientProvider client={client}><RouterProvider router={router} /></QueryClientProvider>);
    expect(await screen.findByRole('alert')).toHaveTextContent('This section is for administrators only.');
    expect(screen.queryByRole('navigation', { name: 'Admin' })).toBeNull();
    expect(api.calls).toEqual([]);
  });

  it('asks for the accounts alongside who is signed in, not after, and shows them', async () => {
    let meAnswered = false;
    const usersAsked: boolean[] = [];
    mockApi({
      'GET /api/auth/me': async () => {
        await new Promise((r) => setTimeout(r, 100));
        meAnswered = true;
        return { json: { ...me, is_admin: true } };
      },
      'GET /api/admin/users': () => {
        usersAsked.push(meAnswered);
        return { json: { users: [adminUser('ann', { is_admin: true }), adminUser('bob')] } };
      },
    });
    const client = createQueryClient();
    const router = createMemoryRouter(appRoutes(client), { initialEntries: ['/admin'] });
    render(<QueryClientProvider client={client}><RouterProvider router={router} /></QueryClientProvider>);
    expect(await screen.findByRole('link', { name: 'bob' })).toHaveAttribute('href', '/admin/users/bob');
    // Once, before /api/auth/me had answered.
    expect(usersAsked).toEqual([false]);
  });
});
