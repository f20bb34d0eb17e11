import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { NewWebappWizard } from '@/features/webapps/components/new-webapp-wizard';
import { djangoWsgi, pyString } from '@/features/webapps/api/wsgi-templates';
import { ApiTokens } from '@/features/tokens/components/api-tokens';
import { mockApi, renderPage, sampleWebapp } from './helpers';

const apps = '/api/v0/user/alice/webapps/';

describe('Add a new web app', () => {
  it('defaults the domain to <username>.<base domain> and creates a manual app', async () => {
    const api = mockApi({ [`GET ${apps}`]: { json: [] }, [`POST ${apps}`]: { status: 201, json: sampleWebapp() } });
    const onCreated = vi.fn();
    renderPage(<NewWebappWizard username="alice" baseDomain="localhost" onCreated={onCreated} />);
    expect(screen.getByLabelText('Domain name')).toHaveValue('alice.localhost');
    expect(screen.getByRole('radio', { name: /Manual configuration/ })).toBeChecked();
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ domain_name: 'alice.localhost' })));
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ domain_name: 'alice.localhost', python_version: '3.11' });
  });

  it('checks a Django project has manage.py before writing anything', async () => {
    const api = mockApi({
      [`GET ${apps}`]: { json: [] },
      'GET /api/v0/user/alice/files/path/home/alice/blog/manage.py': { status: 404, json: { error: 'Not Found', detail: 'no such file' } },
    });
    renderPage(<NewWebappWizard username="alice" baseDomain="localhost" onCreated={vi.fn()} />);
    await userEvent.click(screen.getByRole('radio', { name: /Django/ }));
    const folder = screen.getByLabelText('Django project folder');
    await userEvent.clear(folder);
    await userEvent.type(folder, '/home/alice/blog');
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    await vi.waitFor(() => expect(screen.getByLabelText('Django project folder')).toHaveAccessibleDescription(/There is no manage.py in \/home\/alice\/blog/));
    expect(api.calls.filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('refuses a domain the user already has, without touching its WSGI file', async () => {
    const api = mockApi({ [`GET ${apps}`]: { json: [sampleWebapp()] } });
    renderPage(<NewWebappWizard username="alice" baseDomain="localhost" onCreated={vi.fn()} />);
    await userEvent.click(screen.getByRole('radio', { name: /Flask/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    await vi.waitFor(() => expect(screen.getByLabelText('Domain name')).toHaveAccessibleDescription(/already have a web app/));
    expect(api.calls.filter((c) => c.method !== 'GET')).toEqual([]);
  });

  it('writes WSGI files whose paths are valid Python strings', () => {
    expect(pyString("/home/o'neil/site")).toBe("'/home/o\\'neil/site'");
    expect(djangoWsgi('a.localhost', '/home/a/mysite', 'mysite.settings')).toContain("os.environ['DJANGO_SETTINGS_MODULE'] = 'mysite.settings'");
  });
});

describe('API tokens', () => {
  it('shows a new token once, lists tokens and revokes after confirmation', async () => {
    let tokens = [{ id: 1, name: 'laptop', created_at: '2026-11-25T09:00:00.000Z', last_used_at: null }];
    mockApi({
      'GET /api/auth/tokens': () => ({ json: tokens }),
      'POST /api/auth/tokens': ({ body }) => {
        const t = { id: 2, name: (body as { name: string }).name, created_at: '2026-11-25T10:00:00.000Z', last_used_at: null };
        tokens = [...tokens, t];
        return { status: 201, json: { ...t, token: 'pyh_secret_value' } };
      },
      'DELETE /api/auth/tokens/1': () => {
        tokens = tokens.filter((t) => t.id !== 1);
        return { status: 204 };
      },
    });
    renderPage(<ApiTokens username="alice" />);
    expect(await screen.findByText('laptop')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Token name'), 'deploy');
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByLabelText('New API token')).toHaveValue('pyh_secret_value');
    expect(await within(screen.getByRole('table')).findByText('deploy')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Revoke token laptop' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke “laptop”?' });
    expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Revoke token' }));
    await vi.waitFor(() => expect(screen.queryByText('laptop')).toBeNull());
    expect(dialog).not.toBeInTheDocument();
  });
});
