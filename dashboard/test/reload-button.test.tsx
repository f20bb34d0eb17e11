import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ReloadButton } from '@/features/webapps/components/reload-button';
import { mockApi, renderPage } from './helpers';

const url = '/api/v0/user/alice/webapps/alice.localhost/reload/';

describe('the Reload button', () => {
  it('shows progress while reloading, then how long it took', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    mockApi({
      [`POST ${url}`]: async () => {
        await gate;
        return { json: { status: 'OK' } };
      },
      'GET /api/v0/user/alice/webapps/': { json: [] },
    });
    renderPage(<ReloadButton username="alice" domain="alice.localhost" />);
    await userEvent.click(screen.getByRole('button', { name: 'Reload alice.localhost' }));
    expect(screen.getByRole('button', { name: 'Reloading alice.localhost…' })).toBeDisabled();
    expect(screen.getByRole('progressbar', { name: 'Reload in progress' })).toBeInTheDocument();
    release();
    expect(await screen.findByText(/Reloaded in \d+ ms/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload alice.localhost' })).toBeEnabled();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('shows the error with the end of the error log, as text, and links to the log', async () => {
    const tail = 'Traceback (most recent call last):\n  File "/var/www/x_wsgi.py", line 1\nNameError: name \'<b>oops</b>\' is not defined';
    mockApi({
      [`POST ${url}`]: { status: 422, json: { error: 'Unprocessable Entity', detail: 'the app failed to load', log_tail: tail } },
      'GET /api/v0/user/alice/webapps/': { json: [] },
    });
    renderPage(<ReloadButton username="alice" domain="alice.localhost" />);
    await userEvent.click(screen.getByRole('button', { name: 'Reload alice.localhost' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Reload failed: the app failed to load');
    const pre = screen.getByLabelText('End of the error log');
    expect(pre.textContent).toBe(tail);
    expect(pre.querySelector('b')).toBeNull();
    expect(screen.getByRole('link', { name: 'Open the error log' })).toHaveAttribute('href', '/web/alice.localhost/logs/error');
  });

  it('shows an error without a log tail too (no container engine, say)', async () => {
    mockApi({
      [`POST ${url}`]: { status: 503, json: { error: 'Service Unavailable', detail: 'the container engine is not answering' } },
      'GET /api/v0/user/alice/webapps/': { json: [] },
    });
    renderPage(<ReloadButton username="alice" domain="alice.localhost" />);
    await userEvent.click(screen.getByRole('button', { name: 'Reload alice.localhost' }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('the container engine is not answering'));
    expect(screen.queryByLabelText('End of the error log')).toBeNull();
  });
});
