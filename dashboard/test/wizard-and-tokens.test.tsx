import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { NewWebappWizard } from '@/features/webapps/components/new-webapp-wizard';
import { ApiTokens } from '@/features/tokens/components/api-tokens';
import { mockApi, renderPage, sampleWebapp } from './helpers';

const apps = '/api/v0/user/alice/webapps/';

describe('Add a new web app', () => {
  const fieldError = (status: number, field: string | undefined, detail: string) => ({ status, json: { error: 'Bad Request', detail, ...(field ? { field } : {}) } });
  const renderWizard = () => {
    const onCreated = vi.fn();
    renderPage(<NewWebappWizard username="alice" baseDomain="localhost" onCreated={onCreated} />);
    return onCreated;
  };
  const typeInto = async (label: string, text: string) => {
    await userEvent.clear(screen.getByLabelText(label));
    await userEvent.type(screen.getByLabelText(label), text);
  };

  it('defaults the domain to <username>.<base domain> and creates a manual app in one request', async () => {
    const api = mockApi({ [`POST ${apps}`]: { status: 201, json: sampleWebapp() } });
    const onCreated = renderWizard();
    expect(screen.getByLabelText('Domain name')).toHaveValue('alice.localhost');
    expect(screen.getByRole('radio', { name: /Manual configuration/ })).toBeChecked();
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ domain_name: 'alice.localhost' })));
    expect(api.calls).toEqual([{ method: 'POST', url: apps, body: { domain_name: 'alice.localhost', python_version: '3.11', framework: 'manual' } }]);
  });

  it('creates a Django app with one POST naming the project and settings, saying what it does meanwhile', async () => {
    const created = sampleWebapp({ domain_name: 'blog.alice.localhost', source_directory: '/home/alice/blog', working_directory: '/home/alice/blog', state: 'starting' });
    const api = mockApi({ [`POST ${apps}`]: { status: 201, json: created, delayMs: 50 } });
    const onCreated = renderWizard();
    await typeInto('Domain name', ' Blog.Alice.localhost ');
    await userEvent.click(screen.getByRole('radio', { name: /Django/ }));
    await typeInto('Django project folder', '/home/alice/blog');
    await typeInto('Settings module', 'blog.settings');
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Creating the web app and starting it…');
    expect(screen.getByRole('button', { name: 'Creating…' })).toBeDisabled();
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalledWith(created));
    expect(api.calls).toEqual([
      {
        method: 'POST',
        url: apps,
        body: { domain_name: 'blog.alice.localhost', python_version: '3.11', framework: 'django', django_project: '/home/alice/blog', django_settings: 'blog.settings' },
      },
    ]);
  });

  it('creates a Flask app with one POST naming its file, and only that', async () => {
    const api = mockApi({ [`POST ${apps}`]: { status: 201, json: sampleWebapp() } });
    const onCreated = renderWizard();
    await userEvent.click(screen.getByRole('radio', { name: /Flask/ }));
    await typeInto('Flask app file', '/home/alice/shop/app.py');
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    await vi.waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(api.calls).toEqual([
      { method: 'POST', url: apps, body: { domain_name: 'alice.localhost', python_version: '3.11', framework: 'flask', flask_file: '/home/alice/shop/app.py' } },
    ]);
  });

  it.each([
    { radio: /Django/, field: 'django_project', label: 'Django project folder', detail: 'there is no manage.py in /home/alice/mysite' },
    { radio: /Django/, field: 'django_settings', label: 'Settings module', detail: 'django_settings must be a module name such as mysite.settings' },
    { radio: /Flask/, field: 'flask_file', label: 'Flask app file', detail: 'the Flask file must be a .py file whose name Python can import' },
    { radio: /Manual/, field: 'domain_name', label: 'Domain name', detail: 'under localhost you may use alice.localhost' },
  ])('shows the server\'s refusal of $field beside "$label", and sends nothing else', async ({ radio, field, label, detail }) => {
    const api = mockApi({ [`POST ${apps}`]: fieldError(400, field, detail) });
    const onCreated = renderWizard();
    await userEvent.click(screen.getByRole('radio', { name: radio }));
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    await vi.waitFor(() => expect(screen.getByLabelText(label)).toHaveAccessibleDescription(expect.stringContaining(detail)));
    expect(screen.getByLabelText(label)).toBeInvalid();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual([`POST ${apps}`]);
    expect(onCreated).not.toHaveBeenCalled();
  });

  it('shows a domain that is already taken (409) beside the domain', async () => {
    mockApi({ [`POST ${apps}`]: fieldError(409, undefined, 'the domain alice.localhost is already in use') });
    renderWizard();
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    await vi.waitFor(() => expect(screen.getByLabelText('Domain name')).toHaveAccessibleDescription(/already in use/));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the account\'s limit of web apps (409 naming the limit) above the button, not beside the domain', async () => {
    const detail = 'your account\'s limit is 2 web apps (limit "webapps"); delete one first, or ask an administrator to raise it';
    mockApi({ [`POST ${apps}`]: fieldError(409, undefined, detail) });
    renderWizard();
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('limit is 2 web apps (limit "webapps")');
    expect(screen.getByLabelText('Domain name')).toBeValid();
  });

  it('shows any other refusal above the button', async () => {
    mockApi({ [`POST ${apps}`]: fieldError(400, 'python_version', 'python_version 3.9 is not installed here; use 3.11') });
    renderWizard();
    await userEvent.click(screen.getByRole('button', { name: 'Create web app' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('python_version 3.9 is not installed here');
    expect(screen.getByLabelText('Domain name')).toBeValid();
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
