import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { LoginForm } from '@/features/auth/components/login-form';
import { SignupForm } from '@/features/auth/components/signup-form';
import { mockApi, renderPage } from './helpers';

const me = { username: 'alice', is_admin: false, is_teacher: false, teacher: null, expires_at: null, uid: 10001, csrf_token: 'csrf-1', signup: 'open', domain: 'localhost' };

describe('log-in and sign-up forms', () => {
  it('logs in with what was typed, then learns who is signed in', async () => {
    const api = mockApi({ 'POST /api/auth/login': { json: me }, 'GET /api/auth/me': { json: me } });
    const onSuccess = vi.fn();
    renderPage(<LoginForm onSuccess={onSuccess} />);
    await userEvent.type(screen.getByLabelText('Username'), ' alice ');
    await userEvent.type(screen.getByLabelText('Password'), 'secret-password');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await vi.waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(api.calls[0]).toMatchObject({ method: 'POST', url: '/api/auth/login', body: { username: 'alice', password: 'secret-password' } });
    expect(api.calls.some((c) => c.url === '/api/auth/me')).toBe(true);
  });

  it('shows a wrong password where it happened and stays on the form', async () => {
    mockApi({ 'POST /api/auth/login': { status: 401, json: { error: 'Unauthorized', detail: 'wrong username or password' } } });
    const onSuccess = vi.fn();
    renderPage(<LoginForm onSuccess={onSuccess} />);
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'nope{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('wrong username or password');
    expect(onSuccess).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Log in' })).toBeEnabled();
  });

  it('puts a sign-up error next to the field it is about', async () => {
    mockApi({
      'POST /api/auth/signup': { status: 400, json: { error: 'Bad Request', detail: 'username must be 2 to 30 characters', field: 'username' } },
    });
    renderPage(<SignupForm onSuccess={vi.fn()} />);
    await userEvent.type(screen.getByLabelText('Username'), 'A');
    await userEvent.type(screen.getByLabelText('Password'), 'long-enough-pw');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    const input = screen.getByLabelText('Username');
    await vi.waitFor(() => expect(input).toHaveAttribute('aria-invalid', 'true'));
    expect(input).toHaveAccessibleDescription(/username must be 2 to 30 characters/);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
