import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SettingsPage } from '@/features/admin/components/settings-page';
import { WebTab } from '@/features/webapps/components/web-tab';
import { formatSpan, idlePlan, timeAgo } from '@/features/webapps/lib/sleep';
import { mockApi, renderPage, sampleWebapp } from './helpers';

const base = '/api/v0/user/alice/webapps/alice.localhost/';
const refused = 'your account\'s limit is 0 web apps kept awake (limit "awake_webapps"); an administrator can raise it';

type Patch = (body: object, before: Record<string, unknown>) => { status?: number; json: unknown; delayMs?: number };

/** The Web tab's API, keeping the app as the last successful PATCH left it; `patch` answers PATCHes (by default: the app as patched). */
function mockWebTab(webapp: Record<string, unknown>, patch: Patch = (body, before) => ({ json: { ...before, ...body } })) {
  let current = webapp;
  return mockApi({
    [`GET ${base}`]: () => ({ json: current }),
    [`GET ${base}static_files/`]: { json: [] },
    'GET /api/v0/user/alice/webapps/': () => ({ json: [current] }),
    [`PATCH ${base}`]: ({ body }) => {
      const reply = patch(body as object, current);
      if (!reply.status || reply.status < 300) current = reply.json as Record<string, unknown>;
      return reply;
    },
  });
}

async function stateSection(webapp: Record<string, unknown>, patch?: Patch) {
  const api = mockWebTab(webapp, patch);
  renderPage(<WebTab username="alice" domain="alice.localhost" onDeleted={() => {}} />);
  return { api, section: await screen.findByRole('region', { name: 'Address and state' }) };
}

describe('how long sleeping takes, in words', () => {
  it.each([
    [45, '45 s'],
    [900, '15 min'],
    [3600, '1 h'],
    [5400, '1 h 30 min'],
    [86_400, '24 h'],
    [30 * 86_400, '30 days'],
  ])('%i s is "%s"', (seconds, text) => expect(formatSpan(seconds)).toBe(text));

  it('says how long ago it fell asleep, a clock ahead of ours counting as now', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    expect(timeAgo('2026-12-02T09:59:30Z', now)).toBe('less than a minute ago');
    expect(timeAgo('2026-12-02T09:48:00Z', now)).toBe('12 min ago');
    expect(timeAgo('2026-12-02T07:00:00Z', now)).toBe('3 h ago');
    expect(timeAgo('2026-11-28T10:00:00Z', now)).toBe('4 days ago');
    expect(timeAgo('2026-12-02T10:00:05Z', now)).toBe('less than a minute ago');
  });

  it('has nothing to say when sleeping is off for the app, and keep_awake wins over the idle time', () => {
    expect(idlePlan({ keep_awake: false, sleep_after_seconds: 0 })).toBeNull();
    expect(idlePlan({ keep_awake: false, sleep_after_seconds: 900 })).toBe('Sleeps after 15 min without a request');
    expect(idlePlan({ keep_awake: true, sleep_after_seconds: 0 })).toBe('Kept awake: it never sleeps');
  });
});

describe('a sleeping web app on the Web tab', () => {
  it('says it sleeps, since when (the exact time in the markup) and what wakes it', async () => {
    const since = new Date(Date.now() - 12 * 60_000).toISOString();
    const { section } = await stateSection(sampleWebapp({ state: 'sleeping', sleeping_since: since, sleep_after_seconds: 900 }));
    expect(within(section).getByText('Sleeping — wakes on its next request')).toHaveClass('badge', 'state-sleeping');
    const note = within(section).getByRole('note', { name: 'Sleeping' });
    expect(note).toHaveTextContent('(12 min ago)');
    expect(note).toHaveTextContent(/next request wakes it.*and so does Reload/);
    const time = note.querySelector('time');
    expect(time).toHaveAttribute('datetime', since);
    expect(time).toHaveAttribute('title', since);
    expect(within(section).getByText('Sleeps after 15 min without a request')).toBeInTheDocument();
  });

  it('says nothing of sleep for an app that is awake, nor of idling where sleeping is off', async () => {
    const { section } = await stateSection(sampleWebapp({ state: 'running', sleep_after_seconds: 0, keep_awake: false }));
    expect(within(section).getByText('Running')).toBeInTheDocument();
    expect(within(section).queryByRole('note', { name: 'Sleeping' })).toBeNull();
    expect(within(section).queryByText(/Sleeps after/)).toBeNull();
    expect(within(section).queryByRole('checkbox', { name: 'Keep awake' })).toBeNull();
  });
});

describe('Keep awake', () => {
  it('PATCHes keep_awake, shows the box ticked while it is on its way, then what the API answered', async () => {
    const app = sampleWebapp({ state: 'sleeping', sleeping_since: '2026-12-02T09:48:00.000Z', sleep_after_seconds: 900 });
    const { api, section } = await stateSection(app, (body, before) => ({
      delayMs: 150,
      json: { ...before, ...body, state: 'running', sleeping_since: null, sleep_after_seconds: 0 },
    }));
    const box = within(section).getByRole('checkbox', { name: 'Keep awake' });
    expect(box).not.toBeChecked();
    expect(box).toHaveAccessibleDescription(/Never sleeps/);
    await userEvent.click(box);
    expect(box).toBeChecked();
    expect(box).toBeDisabled();
    expect(await within(section).findByText('Kept awake: it never sleeps')).toBeInTheDocument();
    expect(box).toBeChecked();
    expect(box).toBeEnabled();
    expect(within(section).queryByRole('note', { name: 'Sleeping' })).toBeNull();
    const patches = api.calls.filter((c) => c.method === 'PATCH');
    expect(patches).toEqual([{ method: 'PATCH', url: base, body: { keep_awake: true } }]);
  });

  it('turns it off again with keep_awake: false', async () => {
    const app = sampleWebapp({ keep_awake: true, sleep_after_seconds: 0 });
    const { api, section } = await stateSection(app, (body, before) => ({ json: { ...before, ...body, sleep_after_seconds: 600 } }));
    const box = within(section).getByRole('checkbox', { name: 'Keep awake' });
    expect(box).toBeChecked();
    await userEvent.click(box);
    expect(await within(section).findByText('Sleeps after 10 min without a request')).toBeInTheDocument();
    expect(box).not.toBeChecked();
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ keep_awake: false });
  });

  it("shows the API's refusal over the account's limit, and the box goes back", async () => {
    const { section } = await stateSection(sampleWebapp({ sleep_after_seconds: 900 }), () => ({ status: 409, json: { error: 'Conflict', detail: refused } }));
    const box = within(section).getByRole('checkbox', { name: 'Keep awake' });
    await userEvent.click(box);
    expect(await within(section).findByRole('alert')).toHaveTextContent(refused);
    expect(box).not.toBeChecked();
    expect(box).toBeEnabled();
    expect(within(section).getByText('Sleeps after 15 min without a request')).toBeInTheDocument();
  });
});

describe('the sleeping limits on the Admin page', () => {
  const defaults = { webapps: 2, consoles: 5, workers: 2, memory_mb: 512, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 900, awake_webapps: 0 };

  it('sets the idle time and the web apps kept awake with the other defaults', async () => {
    const { calls } = mockApi({
      'GET /api/admin/settings': { json: { signup: 'closed', custom_domains: false } },
      'GET /api/admin/limits': { json: defaults },
      'PATCH /api/admin/limits': ({ body }) => ({ json: { ...defaults, ...(body as object) } }),
    });
    renderPage(<SettingsPage />);
    const idle = await screen.findByRole('spinbutton', { name: 'Idle seconds before a web app sleeps' });
    const awake = screen.getByRole('spinbutton', { name: 'Web apps kept awake' });
    expect(idle).toHaveValue(900);
    expect(idle).toHaveAttribute('max', String(2_592_000));
    expect(idle).toHaveAccessibleDescription(/0: never$/);
    expect(awake).toHaveValue(0);
    expect(awake).toHaveAttribute('max', '1000');
    await userEvent.clear(idle);
    await userEvent.type(idle, '0');
    await userEvent.clear(awake);
    await userEvent.type(awake, '3');
    await userEvent.click(screen.getByRole('button', { name: 'Save default limits' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ sleep_after_seconds: 0, awake_webapps: 3 });
  });
});
