import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { renderApp, sampleMe as me } from './app-helpers';
import { mockApi } from './helpers';

// The web apps' log viewer reads through the same pane as the tasks' logs.

const base = '/api/v0/user/bob/webapps/bob.localhost/logs';

describe('a web app\u2019s log in the log viewer', () => {
  it('shows the tail of the kind asked for, its rotated files only, and downloads the one chosen', async () => {
    const api = mockApi({
      'GET /api/auth/me': { json: me() },
      [`GET ${base}/`]: {
        json: [
          { name: 'bob.localhost.error.log', kind: 'error', rotation: 0, compressed: false, size: 10, modified: '2026-12-01T10:00:00.000Z' },
          { name: 'bob.localhost.error.log.1', kind: 'error', rotation: 1, compressed: false, size: 2048, modified: '2026-11-30T10:00:00.000Z' },
          { name: 'bob.localhost.access.log.1', kind: 'access', rotation: 1, compressed: false, size: 2048, modified: '2026-11-30T10:00:00.000Z' },
        ],
      },
      [`GET ${base}/error/`]: ({ url }) => ({ json: { file: url.includes('rotation=1') ? 'bob.localhost.error.log.1' : 'bob.localhost.error.log', offset: 10, truncated: false, lines: [url.includes('rotation=1') ? 'an older traceback' : 'Traceback (most recent call last):'] } }),
    });
    renderApp('/web/bob.localhost/logs/error');
    expect(await screen.findByRole('heading', { level: 1, name: 'Error log — bob.localhost' })).toBeInTheDocument();
    expect(await screen.findByText('Traceback (most recent call last):')).toBeInTheDocument();
    const files = screen.getByLabelText('File');
    await screen.findByRole('option', { name: /bob\.localhost\.error\.log\.1/ });
    expect(within(files).getAllByRole('option').map((o) => o.textContent)).toEqual(['Live: bob.localhost.error.log', expect.stringMatching(/^bob\.localhost\.error\.log\.1 \(2\.0 KiB/)]);
    await userEvent.selectOptions(files, '1');
    expect(await screen.findByText('an older traceback')).toBeInTheDocument();
    expect(screen.getByText('Rotated file (not live)')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Download' })).toHaveAttribute('href', `${base}/error/download/?rotation=1`);
    expect(api.calls.map((c) => c.url)).toContain(`${base}/error/?lines=1000&rotation=1`);
  });
});
