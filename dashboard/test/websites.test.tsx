import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { NewWebsiteForm } from '@/features/websites/components/new-website-form';
import { WebsitePage } from '@/features/websites/components/website-page';
import { renderApp, sampleMe } from './app-helpers';
import { mockApi, renderPage } from './helpers';
import { websiteJson } from './website-fixtures';

const domain = 'api.alice.localhost';
const base = '/api/v1/user/alice/websites/';
const site = (over: Record<string, unknown> = {}) => websiteJson(domain, { webapp: { id: 3, command: 'cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app', domains: [{ domain_name: domain, enabled: true }] }, ...over });

describe("a website's page in the Web tab", () => {
  const page = () => renderPage(<WebsitePage username="alice" domain={domain} onDeleted={() => undefined} />);

  it('shows its command, its logs in the log viewer, and says static files and security are not for websites', async () => {
    mockApi({ [`GET ${base}${domain}/`]: { json: site() } });
    page();
    expect(await screen.findByLabelText('Server command')).toHaveValue('cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app');
    expect(screen.getByRole('link', { name: 'Server log' })).toHaveAttribute('href', `/web/websites/${domain}/logs/server`);
    expect(screen.getByRole('link', { name: 'Error log' })).toHaveAttribute('href', `/web/websites/${domain}/logs/error`);
    expect(screen.getByRole('region', { name: 'Static files and security' })).toHaveTextContent(/Not available for websites/);
    expect(screen.queryByRole('checkbox', { name: /Password protection/ })).toBeNull();
  });

  it("shows a failed reload's reason and the end of the error log, as a web app's", async () => {
    const tail = 'Traceback (most recent call last):\n  File "/home/alice/api/main.py", line 3\nSyntaxError: invalid syntax';
    mockApi({
      [`GET ${base}${domain}/`]: { json: site() },
      [`GET ${base}`]: { json: [site()] },
      [`GET /api/v1/user/alice/domains/${domain}/ssl/`]: { status: 404, json: { error: 'Not Found', detail: 'no certificate' } },
      [`POST ${base}${domain}/reload/`]: { status: 422, json: { error: 'Unprocessable Entity', detail: 'the command exited with code 1 after 0.4 s before listening on $DOMAIN_SOCKET; see the error and server logs. The previous version keeps serving.', log_tail: tail } },
    });
    page();
    await userEvent.click(await screen.findByRole('button', { name: `Reload ${domain}` }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Reload failed: the command exited with code 1 after 0.4 s before listening on $DOMAIN_SOCKET');
    expect(alert).toHaveTextContent('The previous version keeps serving.');
    expect(screen.getByLabelText('End of the error log').textContent).toBe(tail);
    expect(within(alert).getByRole('link', { name: 'Open the error log' })).toHaveAttribute('href', `/web/websites/${domain}/logs/error`);
  });

  it('saves a new command with PATCH and says when it does not serve', async () => {
    let now = site();
    const { calls } = mockApi({
      [`GET ${base}${domain}/`]: () => ({ json: now }),
      [`GET ${base}`]: () => ({ json: [now] }),
      [`PATCH ${base}${domain}/`]: ({ body }) => {
            now = site({ webapp: { ...site().webapp, command: (body as { webapp: { command: string } }).webapp.command }, last_error: 'the command printed nothing and never created $DOMAIN_SOCKET within 20 s' });
        return { json: now };
      },
    });
    page();
    const input = await screen.findByLabelText('Server command');
    await userEvent.clear(input);
    await userEvent.type(input, 'python3 serve.py');
    await userEvent.click(screen.getByRole('button', { name: 'Save command' }));
    expect(await screen.findByText(/Saved, but it does not serve/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ webapp: { command: 'python3 serve.py' } });
    expect(screen.getByRole('note', { name: 'Why the last start failed' })).toHaveTextContent('The last reload failed: the command printed nothing and never created $DOMAIN_SOCKET');
  });

  it('shows its Python version and changes it with PATCH {"python_version"}', async () => {
    let now = site();
    const { calls } = mockApi({
      [`GET ${base}${domain}/`]: () => ({ json: now }),
      [`GET ${base}`]: () => ({ json: [now] }),
      [`PATCH ${base}${domain}/`]: ({ body }) => {
        now = site({ python_version: (body as { python_version: string }).python_version });
        return { json: now };
      },
    });
    page();
    const select = await screen.findByLabelText('Python version');
    expect(select).toHaveValue('3.11');
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual(['Python 3.9', 'Python 3.11', 'Python 3.13']);
    const save = screen.getByRole('button', { name: 'Save Python version' });
    expect(save).toBeDisabled();
    await userEvent.selectOptions(select, '3.13');
    await userEvent.click(save);
    expect(await screen.findByText('✓ Saved, and it serves on Python 3.13')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ python_version: '3.13' }]);
    expect(screen.getByLabelText('Python version')).toHaveValue('3.13');
    expect(screen.getByText(/Your command runs with Python 3\.13/)).toBeInTheDocument();
  });

  it('shows a refused Python version beside the select', async () => {
    const detail = 'Python 3.13 is not available on this Pyhost; the installed versions are: 3.9 (or python39), 3.11 (or python311)';
    mockApi({
      [`GET ${base}${domain}/`]: { json: site() },
      [`PATCH ${base}${domain}/`]: { status: 400, json: { detail, field: 'python_version' } },
    });
    page();
    await userEvent.selectOptions(await screen.findByLabelText('Python version'), '3.13');
    await userEvent.click(screen.getByRole('button', { name: 'Save Python version' }));
    expect(await screen.findByText(detail)).toBeInTheDocument();
    expect(screen.getByLabelText('Python version')).toHaveAttribute('aria-invalid', 'true');
  });

  it('disables and enables with PATCH {"enabled"}', async () => {
    let enabled = true;
    const { calls } = mockApi({
      [`GET ${base}${domain}/`]: () => ({ json: site({ enabled, state: enabled ? 'running' : 'disabled' }) }),
      [`GET ${base}`]: () => ({ json: [site({ enabled })] }),
      [`PATCH ${base}${domain}/`]: ({ body }) => {
        enabled = (body as { enabled: boolean }).enabled;
        return { json: site({ enabled, state: enabled ? 'running' : 'disabled' }) };
      },
    });
    page();
    await userEvent.click(await screen.findByRole('button', { name: 'Disable website' }));
    expect(await screen.findByRole('button', { name: 'Enable website' })).toBeInTheDocument();
    expect(screen.getByText('Disabled')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Enable website' }));
    expect(await screen.findByRole('button', { name: 'Disable website' })).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ enabled: false }, { enabled: true }]);
  });

  it('deletes only once confirmed', async () => {
    const onDeleted = vi.fn();
    const { calls } = mockApi({
      [`GET ${base}${domain}/`]: { json: site() },
      [`GET ${base}`]: { json: [] },
      [`DELETE ${base}${domain}/`]: { status: 204 },
    });
    renderPage(<WebsitePage username="alice" domain={domain} onDeleted={onDeleted} />);
    await userEvent.click(await screen.findByRole('button', { name: `Delete ${domain}` }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Yes, delete it' }));
    await waitFor(() => expect(onDeleted).toHaveBeenCalled());
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });
});

describe('Add a new website', () => {
  it('creates it from a domain and a command, with a FastAPI example to follow', async () => {
    const onCreated = vi.fn();
    const { calls } = mockApi({ [`POST ${base}`]: { status: 201, json: site() }, [`GET ${base}`]: { json: [site()] } });
    renderPage(<NewWebsiteForm username="alice" baseDomain="localhost" onCreated={onCreated} />);
    const command = screen.getByLabelText('Command');
    expect(command).toHaveAttribute('placeholder', 'cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app');
    expect(screen.getByLabelText('Domain name')).toHaveValue(domain);
    await userEvent.type(command, 'cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app');
    await userEvent.click(screen.getByRole('button', { name: 'Create website' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ domain_name: domain, enabled: true, python_version: '3.11', webapp: { command: 'cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app' } });
  });

  it('offers the Python versions, 3.11 by default, and sends the one chosen', async () => {
    const { calls } = mockApi({ [`POST ${base}`]: { status: 201, json: site({ python_version: '3.13' }) }, [`GET ${base}`]: { json: [] } });
    const onCreated = vi.fn();
    renderPage(<NewWebsiteForm username="alice" baseDomain="localhost" onCreated={onCreated} />);
    const select = screen.getByLabelText('Python version');
    expect(select).toHaveValue('3.11');
    expect(within(select).getAllByRole('option').map((o) => (o as HTMLOptionElement).value)).toEqual(['3.9', '3.11', '3.13']);
    await userEvent.selectOptions(select, '3.13');
    await userEvent.type(screen.getByLabelText('Command'), 'python3 s.py');
    await userEvent.click(screen.getByRole('button', { name: 'Create website' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({ python_version: '3.13', webapp: { command: 'python3 s.py' } });
  });

  it('shows a refusal beside the field it names', async () => {
    mockApi({ [`POST ${base}`]: { status: 400, json: { detail: 'domain with this domain name already exists', field: 'domain_name' } } });
    renderPage(<NewWebsiteForm username="alice" baseDomain="localhost" onCreated={() => undefined} />);
    await userEvent.type(screen.getByLabelText('Command'), 'python3 s.py');
    await userEvent.click(screen.getByRole('button', { name: 'Create website' }));
    expect(await screen.findByText('domain with this domain name already exists')).toBeInTheDocument();
    expect(screen.getByLabelText('Domain name')).toHaveAttribute('aria-invalid', 'true');
  });
});

describe('a website that does not serve', () => {
  it('says why under its state', async () => {
    mockApi({ [`GET ${base}${domain}/`]: { json: site({ state: 'failed', last_error: 'the command listens on TCP port 8000, not on the unix socket $DOMAIN_SOCKET' }) } });
    renderPage(<WebsitePage username="alice" domain={domain} onDeleted={() => undefined} />);
    expect(await screen.findByText('Not serving — see the error log')).toBeInTheDocument();
    expect(screen.getByRole('note', { name: 'Why it does not serve' })).toHaveTextContent('listens on TCP port 8000');
  });
});

describe('the Web tab of an account with only websites', () => {
  it('opens the first website instead of saying there is nothing', async () => {
    mockApi({
      'GET /api/auth/me': { json: sampleMe({ username: 'alice' }) },
      'GET /api/v0/user/alice/webapps/': { json: [] },
      [`GET ${base}`]: { json: [site()] },
      [`GET ${base}${domain}/`]: { json: site() },
    });
    const { router } = renderApp('/web');
    expect(await screen.findByLabelText('Server command')).toHaveValue('cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app');
    expect(router.state.location.pathname).toBe(`/web/websites/${domain}`);
  });
});
