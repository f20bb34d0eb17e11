import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { StaticFilesTable } from '@/features/webapps/components/static-files-table';
import { EnvVarsForm } from '@/features/webapps/components/env-vars-form';
import { SecuritySection } from '@/features/webapps/components/security-section';
import { ServerSection } from '@/features/webapps/components/server-section';
import type { Webapp } from '@/features/webapps/api/types';
import { mockApi, renderPage, sampleWebapp } from './helpers';

const base = '/api/v0/user/alice/webapps/alice.localhost/';
const webapp = (over: Record<string, unknown> = {}) => sampleWebapp(over) as unknown as Webapp;

describe('static files table', () => {
  it('lists, adds, edits and deletes mappings', async () => {
    let mappings = [{ id: 1, url: '/static/', path: '/home/alice/mysite/static' }];
    const api = mockApi({
      [`GET ${base}static_files/`]: () => ({ json: mappings }),
      [`POST ${base}static_files/`]: ({ body }) => {
        mappings = [...mappings, { id: 2, ...(body as { url: string; path: string }) }];
        return { status: 201, json: mappings[1] };
      },
      [`PATCH ${base}static_files/1/`]: ({ body }) => {
        mappings = [{ id: 1, ...(body as { url: string; path: string }) }, ...mappings.slice(1)];
        return { json: mappings[0] };
      },
      [`DELETE ${base}static_files/2/`]: () => {
        mappings = mappings.filter((m) => m.id !== 2);
        return { status: 204 };
      },
    });
    renderPage(<StaticFilesTable username="alice" domain="alice.localhost" />);
    const table = await screen.findByRole('table', { name: 'Static file mappings' });
    expect(within(table).getByText('/home/alice/mysite/static')).toBeInTheDocument();

    await userEvent.clear(screen.getByLabelText('URL to add'));
    await userEvent.type(screen.getByLabelText('URL to add'), '/media/');
    await userEvent.type(screen.getByLabelText('Directory to add'), '/home/alice/media');
    await userEvent.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(await within(table).findByText('/home/alice/media')).toBeInTheDocument();
    expect(screen.getByLabelText('Directory to add')).toHaveValue('');

    await userEvent.click(screen.getByRole('button', { name: 'Edit mapping /static/' }));
    const dir = screen.getByLabelText('Directory for /static/');
    await userEvent.clear(dir);
    await userEvent.type(dir, '/var/www/static');
    await userEvent.click(screen.getByRole('button', { name: 'Save mapping' }));
    expect(await within(table).findByText('/var/www/static')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Delete mapping /media/' }));
    await vi.waitFor(() => expect(within(table).queryByText('/home/alice/media')).toBeNull());
    expect(api.calls.map((c) => c.method)).toEqual(expect.arrayContaining(['POST', 'PATCH', 'DELETE']));
  });

  it('shows a refused mapping beside the field at fault', async () => {
    mockApi({
      [`GET ${base}static_files/`]: { json: [] },
      [`POST ${base}static_files/`]: { status: 400, json: { error: 'Bad Request', detail: 'path: /etc is not in your files', field: 'path' } },
    });
    renderPage(<StaticFilesTable username="alice" domain="alice.localhost" />);
    await userEvent.type(await screen.findByLabelText('Directory to add'), '/etc');
    await userEvent.click(screen.getByRole('button', { name: 'Add mapping' }));
    await vi.waitFor(() => expect(screen.getByLabelText('Directory to add')).toHaveAccessibleDescription(/not in your files/));
  });
});

describe('settings sections', () => {
  it('saves environment variables as one object, dropping empty names', async () => {
    const api = mockApi({ [`PATCH ${base}`]: ({ body }) => ({ json: sampleWebapp({ env: (body as { env: object }).env }) }), 'GET /api/v0/user/alice/webapps/': { json: [] } });
    renderPage(<EnvVarsForm username="alice" webapp={webapp({ env: { DEBUG: '1' } })} />);
    expect(screen.getByLabelText('Name of variable 1')).toHaveValue('DEBUG');
    await userEvent.click(screen.getByRole('button', { name: 'Add a variable' }));
    expect(screen.getByLabelText('Name of variable 2')).toHaveFocus();
    await userEvent.type(screen.getByLabelText('Name of variable 2'), 'SECRET_KEY');
    await userEvent.type(screen.getByLabelText('Value of variable 2'), 's3cret');
    await userEvent.click(screen.getByRole('button', { name: 'Add a variable' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save environment variables' }));
    expect(await screen.findByText('✓ Saved')).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ env: { DEBUG: '1', SECRET_KEY: 's3cret' } });
  });

  it('turns on password protection with a username and password, and shows a refusal', async () => {
    const api = mockApi({
      [`PATCH ${base}`]: ({ body }) =>
        (body as { password_protection_password?: string }).password_protection_password
          ? { json: sampleWebapp({ password_protection_enabled: true, password_protection_username: 'guest' }) }
          : { status: 400, json: { error: 'Bad Request', detail: 'set password_protection_username and password_protection_password before enabling password protection', field: 'password_protection_enabled' } },
      'GET /api/v0/user/alice/webapps/': { json: [] },
    });
    renderPage(<SecuritySection username="alice" webapp={webapp()} />);
    expect(screen.getByLabelText('Password for visitors')).toBeDisabled();
    await userEvent.click(screen.getByRole('checkbox', { name: 'Password protection' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save security settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('before enabling password protection');
    await userEvent.type(screen.getByLabelText('Username for visitors'), 'guest');
    await userEvent.type(screen.getByLabelText('Password for visitors'), 'let-me-in');
    await userEvent.click(screen.getByRole('button', { name: 'Save security settings' }));
    expect(await screen.findByText('✓ Saved')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({
      force_https: false,
      hsts_enabled: false,
      password_protection_enabled: true,
      password_protection_username: 'guest',
      password_protection_password: 'let-me-in',
    });
  });

  it('switches HSTS on beside Force HTTPS, saying what it binds browsers to', async () => {
    const api = mockApi({ [`PATCH ${base}`]: ({ body }) => ({ json: webapp(body as Record<string, unknown>) }), 'GET /api/v0/user/alice/webapps/': { json: [] } });
    renderPage(<SecuritySection username="alice" webapp={webapp({ force_https: true })} />);
    const hsts = screen.getByRole('checkbox', { name: 'HSTS (Strict-Transport-Security)' });
    expect(hsts).not.toBeChecked();
    expect(hsts).toHaveAccessibleDescription(/only HTTPS for this domain for a year/);
    await userEvent.click(hsts);
    await userEvent.click(screen.getByRole('button', { name: 'Save security settings' }));
    expect(await screen.findByText('✓ Saved')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toMatchObject({ force_https: true, hsts_enabled: true });
  });

  it('sends workers as a number and shows the API’s reason beside the input', async () => {
    mockApi({ [`PATCH ${base}`]: { status: 400, json: { error: 'Bad Request', detail: 'workers must be a whole number from 1 to 8', field: 'workers' } } });
    renderPage(<ServerSection username="alice" webapp={webapp()} />);
    await userEvent.selectOptions(screen.getByLabelText('WSGI server'), 'gunicorn');
    await userEvent.clear(screen.getByLabelText('Workers'));
    await userEvent.type(screen.getByLabelText('Workers'), '12');
    await userEvent.click(screen.getByRole('button', { name: 'Save server settings' }));
    await vi.waitFor(() => expect(screen.getByLabelText('Workers')).toHaveAccessibleDescription(/from 1 to 8/));
  });
});
