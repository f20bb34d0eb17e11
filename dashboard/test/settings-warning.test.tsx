import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { WebTab } from '@/features/webapps/components/web-tab';
import { CodeSection } from '@/features/webapps/components/code-section';
import type { Webapp } from '@/features/webapps/api/types';
import { mockApi, renderPage, sampleWebapp } from './helpers';

const base = '/api/v0/user/alice/webapps/alice.localhost/';
const warning =
  'these settings are saved but not serving yet: virtualenv /home/alice/.virtualenvs/site does not exist. ' +
  'The previous version keeps serving; Reload applies them once that is fixed.';

function mockWebTab(webapp: Record<string, unknown>) {
  return mockApi({
    [`GET ${base}`]: { json: webapp },
    [`GET ${base}static_files/`]: { json: [] },
    'GET /api/v0/user/alice/webapps/': { json: [webapp] },
  });
}

describe('saved settings that are not serving yet', () => {
  it('shows the API’s warning on the Web tab, beside the Reload button that applies them', async () => {
    mockWebTab(sampleWebapp({ virtualenv_path: '/home/alice/.virtualenvs/site', settings_warning: warning }));
    renderPage(<WebTab username="alice" domain="alice.localhost" onDeleted={() => {}} />);
    const note = await screen.findByRole('note', { name: 'Settings not serving yet' });
    expect(note).toHaveTextContent('virtualenv /home/alice/.virtualenvs/site does not exist');
    expect(note).toHaveTextContent('The previous version keeps serving');
    expect(screen.getByRole('region', { name: 'Reload' })).toContainElement(note);
    // A warning, not an error: nothing on the tab claims the save failed.
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows no warning when the saved settings serve', async () => {
    mockWebTab(sampleWebapp());
    renderPage(<WebTab username="alice" domain="alice.localhost" onDeleted={() => {}} />);
    expect(await screen.findByRole('button', { name: 'Reload alice.localhost' })).toBeInTheDocument();
    expect(screen.queryByRole('note', { name: 'Settings not serving yet' })).toBeNull();
  });

  it('says “saved, not serving yet” when a save answers with a warning', async () => {
    const api = mockApi({
      [`PATCH ${base}`]: ({ body }) => ({ json: sampleWebapp({ ...(body as object), settings_warning: warning }) }),
      'GET /api/v0/user/alice/webapps/': { json: [] },
    });
    renderPage(<CodeSection username="alice" webapp={sampleWebapp() as unknown as Webapp} />);
    await userEvent.type(screen.getByLabelText('Virtualenv path'), '/home/alice/.virtualenvs/site');
    await userEvent.click(screen.getByRole('button', { name: 'Save code settings' }));
    expect(await screen.findByText(/✓ Saved, not serving yet/)).toBeInTheDocument();
    expect(screen.getByLabelText('Virtualenv path')).toHaveValue('/home/alice/.virtualenvs/site');
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ virtualenv_path: '/home/alice/.virtualenvs/site' });
  });
});
