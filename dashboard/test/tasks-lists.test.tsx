import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { TasksPage } from '@/features/tasks/components/tasks-page';
import { mockApi, renderPage } from './helpers';
import { ALWAYS_ON, SCHEDULE, sampleAlwaysOn, sampleRun, sampleScheduled } from './tasks-fixtures';

beforeAll(() => {
  process.env.TZ = 'Asia/Tokyo';
});

const COMMAND = 'python3 /home/alice/send.py --daily';
const BOT = 'python3 /home/alice/bot.py';

function renderTasks(routes: Parameters<typeof mockApi>[0]) {
  const api = mockApi({ [`GET ${SCHEDULE}`]: { json: [] }, [`GET ${ALWAYS_ON}`]: { json: [] }, ...routes });
  renderPage(<TasksPage username="alice" />, { path: '/tasks' });
  return api;
}

const writes = (api: ReturnType<typeof mockApi>) => api.calls.filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.url}`);

describe('the scheduled tasks list', () => {
  it('shows the schedule in UTC and in the viewer\u2019s time, the next run and the last result with its log', async () => {
    const last = sampleRun({ outcome: 'failed', exit_code: 2, detail: 'exited with code 2' });
    const next = new Date(Date.now() + 200 * 60_000);
    next.setUTCSeconds(0, 0);
    const [hour, minute] = [next.getUTCHours(), next.getUTCMinutes()];
    const hhmm = (h: number) => `${String(h).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
    renderTasks({ [`GET ${SCHEDULE}`]: { json: [sampleScheduled({ last_run: last, hour, minute, next_run: next.toISOString() })] } });
    const card = await screen.findByRole('listitem', { name: COMMAND });
    expect(within(card).getByText(`Daily at ${hhmm(hour)} UTC`)).toBeInTheDocument();
    expect(within(card).getByText(`${hhmm((hour + 9) % 24)} your time (Asia/Tokyo)`)).toBeInTheDocument();
    expect(within(card).getByText('failed (exit code 2)')).toBeInTheDocument();
    expect(within(card).getByText('exited with code 2')).toBeInTheDocument();
    expect(within(card).getByText(/scheduled · .* · 3\.2 s/)).toBeInTheDocument();
    expect(within(card).getByText(/^\(in 3 h 19 min\)$|^\(in 3 h 20 min\)$/)).toBeInTheDocument();
    expect(within(card).getByRole('link', { name: `Log of “${COMMAND}”` })).toHaveAttribute('href', '/tasks/schedule/7/log');
    expect(within(card).getByText('/var/log/tasklog-7.log')).toBeInTheDocument();
  });

  it('shows the latest runs with their exit codes once asked for', async () => {
    const api = renderTasks({
      [`GET ${SCHEDULE}`]: { json: [sampleScheduled()] },
      [`GET ${SCHEDULE}7/runs/`]: {
        json: [
          sampleRun({ id: 43, trigger: 'run_now', due_at: null, outcome: 'killed', exit_code: 137, detail: 'killed after the 120-minute time limit' }),
          sampleRun({ id: 42, outcome: 'skipped', started_at: null, ended_at: null, exit_code: null, duration_seconds: null, detail: 'previous run 41 still going' }),
          sampleRun({ duration_seconds: 0.04 }),
        ],
      },
    });
    const card = await screen.findByRole('listitem', { name: COMMAND });
    expect(api.calls.some((c) => c.url.includes('/runs/'))).toBe(false);
    await userEvent.click(within(card).getByText('Recent runs'));
    const table = await within(card).findByRole('table', { name: `Recent runs of “${COMMAND}”` });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0]!.textContent)).toEqual(['43', '42', '41']);
    expect(rows[0]).toHaveTextContent('killed (exit code 137)');
    expect(rows[0]).toHaveTextContent('killed after the 120-minute time limit');
    expect(rows[1]).toHaveTextContent('skipped');
    expect(rows[1]).toHaveTextContent('previous run 41 still going');
    expect(rows[2]).toHaveTextContent('succeeded (exit code 0)');
    expect(rows[2]).toHaveTextContent('under 0.1 s');
    expect(api.calls.find((c) => c.url.includes('/runs/'))?.url).toBe(`${SCHEDULE}7/runs/?limit=10`);
  });

  it('says a task has not run yet, and that a disabled one has no next run', async () => {
    renderTasks({ [`GET ${SCHEDULE}`]: { json: [sampleScheduled({ enabled: false, next_run: null, interval: 'hourly', hour: null })] } });
    const card = await screen.findByRole('listitem', { name: COMMAND });
    expect(within(card).getByText('not run yet')).toBeInTheDocument();
    expect(within(card).getByText('none: the task is disabled')).toBeInTheDocument();
    expect(within(card).getByText('Hourly at :05 UTC')).toBeInTheDocument();
    expect(within(card).getByRole('switch', { name: `Enabled: “${COMMAND}”` })).not.toBeChecked();
  });

  it('runs a task now, and shows that a run is still going (409)', async () => {
    let status = 202;
    const api = renderTasks({
      [`GET ${SCHEDULE}`]: { json: [sampleScheduled()] },
      [`POST ${SCHEDULE}7/run/`]: () =>
        status === 202 ? { status, json: sampleRun({ id: 50, trigger: 'run_now', due_at: null, ended_at: null, exit_code: null, duration_seconds: null, outcome: 'running' }) } : { status, json: { error: 'Conflict', detail: 'run 50 of task 7 is still going' } },
    });
    await userEvent.click(await screen.findByRole('button', { name: `Run “${COMMAND}” now` }));
    expect(await screen.findByText('Run 50 started; its output goes to the log.')).toBeInTheDocument();
    status = 409;
    await userEvent.click(screen.getByRole('button', { name: `Run “${COMMAND}” now` }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not run it: run 50 of task 7 is still going');
    expect(writes(api)).toEqual([`POST ${SCHEDULE}7/run/`, `POST ${SCHEDULE}7/run/`]);
  });

  it('disables and enables with PATCH enabled', async () => {
    let task = sampleScheduled();
    const api = renderTasks({
      [`GET ${SCHEDULE}`]: () => ({ json: [task] }),
      [`PATCH ${SCHEDULE}7/`]: (c) => {
        const enabled = (c.body as { enabled: boolean }).enabled;
        task = sampleScheduled({ enabled, next_run: enabled ? '2026-12-02T16:05:00.000Z' : null });
        return { json: task };
      },
    });
    const toggle = await screen.findByRole('switch', { name: `Enabled: “${COMMAND}”` });
    expect(toggle).toBeChecked();
    await userEvent.click(toggle);
    await waitFor(() => expect(screen.getByRole('switch', { name: `Enabled: “${COMMAND}”` })).not.toBeChecked());
    expect(screen.getByText('none: the task is disabled')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('switch', { name: `Enabled: “${COMMAND}”` }));
    await waitFor(() => expect(screen.getByRole('switch', { name: `Enabled: “${COMMAND}”` })).toBeChecked());
    expect(api.calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ enabled: false }, { enabled: true }]);
  });

  it('edits the schedule in place, a change to hourly sending hour null', async () => {
    let task = sampleScheduled();
    const api = renderTasks({
      [`GET ${SCHEDULE}`]: () => ({ json: [task] }),
      [`PATCH ${SCHEDULE}7/`]: () => {
        task = sampleScheduled({ interval: 'hourly', hour: null, minute: 45 });
        return { json: task };
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: `Edit “${COMMAND}”` }));
    const form = screen.getByRole('form', { name: 'Edit scheduled task 7' });
    expect(within(form).getByLabelText('Command')).toHaveValue(COMMAND);
    expect(within(form).getByLabelText('Command')).toHaveFocus();
    expect(within(form).getByLabelText('Hour (UTC)')).toHaveValue('16');
    await userEvent.click(within(form).getByRole('radio', { name: 'Hourly' }));
    await userEvent.clear(within(form).getByLabelText('Minute'));
    await userEvent.type(within(form).getByLabelText('Minute'), '45');
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Hourly at :45 UTC')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Edit scheduled task 7' })).toBeNull();
    expect(screen.getByRole('button', { name: `Edit “${COMMAND}”` })).toHaveFocus();
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ command: COMMAND, description: '', interval: 'hourly', hour: null, minute: 45 });
  });

  it('shows the API\u2019s refusal of an edit at its field', async () => {
    renderTasks({
      [`GET ${SCHEDULE}`]: { json: [sampleScheduled()] },
      [`PATCH ${SCHEDULE}7/`]: { status: 400, json: { error: 'Bad Request', detail: 'Hourly tasks must not have an hour.', field: 'hour' } },
    });
    await userEvent.click(await screen.findByRole('button', { name: `Edit “${COMMAND}”` }));
    const form = screen.getByRole('form', { name: 'Edit scheduled task 7' });
    await userEvent.click(within(form).getByRole('button', { name: 'Save' }));
    expect(await within(form).findByText('Hourly tasks must not have an hour.')).toBeInTheDocument();
    expect(within(form).getByLabelText('Hour (UTC)')).toHaveAttribute('aria-invalid', 'true');
  });

  it('deletes a task only once it is confirmed', async () => {
    let list = [sampleScheduled()];
    const api = renderTasks({
      [`GET ${SCHEDULE}`]: () => ({ json: list }),
      [`DELETE ${SCHEDULE}7/`]: () => {
        list = [];
        return { status: 204 };
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: `Delete “${COMMAND}”` }));
    const dialog = screen.getByRole('dialog', { name: `Delete “${COMMAND}”?` });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(writes(api)).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: `Delete “${COMMAND}”` }));
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete task' }));
    expect(await screen.findByText('No scheduled tasks yet: create one below.')).toBeInTheDocument();
    expect(writes(api)).toEqual([`DELETE ${SCHEDULE}7/`]);
  });
});

describe('the always-on tasks list', () => {
  it('shows the state, uptime, restarts and log, and why a crashed task is down', async () => {
    const reason = 'crash loop: exited 6 times in a row (last exit code 1); use restart/ once fixed';
    renderTasks({
      [`GET ${ALWAYS_ON}`]: {
        json: [sampleAlwaysOn(), sampleAlwaysOn({ id: 4, command: 'python3 broken.py', description: '', state: 'crashed', reason, started_at: null, uptime_seconds: null, restarts: 5, last_exit_code: 1 })],
      },
    });
    const bot = await screen.findByRole('listitem', { name: BOT });
    expect(within(bot).getByText('running')).toBeInTheDocument();
    expect(within(bot).getByText('1 h 5 min')).toBeInTheDocument();
    expect(within(bot).getByRole('link', { name: 'Log of “the bot”' })).toHaveAttribute('href', '/tasks/always_on/3/log');
    const broken = screen.getByRole('listitem', { name: 'python3 broken.py' });
    expect(within(broken).getByText('crashed')).toBeInTheDocument();
    expect(within(broken).getByText(reason)).toBeInTheDocument();
    expect(within(broken).getByText('not running')).toBeInTheDocument();
    expect(within(broken).getByText('(last exit code 1)')).toBeInTheDocument();
  });

  it('restarts, stops and starts through their routes', async () => {
    let task = sampleAlwaysOn();
    const answer = (over: Record<string, unknown>) => () => {
      task = sampleAlwaysOn(over);
      return { json: task };
    };
    const api = renderTasks({
      [`GET ${ALWAYS_ON}`]: () => ({ json: [task] }),
      [`POST ${ALWAYS_ON}3/restart/`]: answer({ state: 'starting', started_at: null, uptime_seconds: null }),
      [`POST ${ALWAYS_ON}3/stop/`]: answer({ enabled: false, state: 'stopped', started_at: null, uptime_seconds: null }),
      [`POST ${ALWAYS_ON}3/start/`]: answer({ state: 'starting' }),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Restart “the bot”' }));
    expect(await screen.findByText('starting')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Stop “the bot”' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Start “the bot”' }));
    await screen.findByRole('button', { name: 'Stop “the bot”' });
    expect(writes(api)).toEqual([`POST ${ALWAYS_ON}3/restart/`, `POST ${ALWAYS_ON}3/stop/`, `POST ${ALWAYS_ON}3/start/`]);
  });

  it('edits the command with PATCH and deletes after confirming', async () => {
    let list = [sampleAlwaysOn()];
    const api = renderTasks({
      [`GET ${ALWAYS_ON}`]: () => ({ json: list }),
      [`PATCH ${ALWAYS_ON}3/`]: (c) => {
        list = [sampleAlwaysOn(c.body as Record<string, unknown>)];
        return { json: list[0] };
      },
      [`DELETE ${ALWAYS_ON}3/`]: () => {
        list = [];
        return { status: 204 };
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Edit “the bot”' }));
    const form = screen.getByRole('form', { name: 'Edit always-on task 3' });
    await userEvent.clear(within(form).getByLabelText('Command'));
    await userEvent.click(within(form).getByRole('button', { name: 'Save and restart' }));
    expect(within(form).getByText('Type the command to run.')).toBeInTheDocument();
    await userEvent.type(within(form).getByLabelText('Command'), 'python3 bot2.py');
    await userEvent.click(within(form).getByRole('button', { name: 'Save and restart' }));
    expect(await screen.findByRole('listitem', { name: 'python3 bot2.py' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Delete “the bot”' }));
    await userEvent.click(within(screen.getByRole('dialog', { name: 'Delete “the bot”?' })).getByRole('button', { name: 'Delete task' }));
    expect(await screen.findByText('No always-on tasks yet: create one below.')).toBeInTheDocument();
    expect(writes(api)).toEqual([`PATCH ${ALWAYS_ON}3/`, `DELETE ${ALWAYS_ON}3/`]);
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ command: 'python3 bot2.py', description: 'the bot' });
  });

  it('shows a failed action\u2019s reason in the task', async () => {
    renderTasks({
      [`GET ${ALWAYS_ON}`]: { json: [sampleAlwaysOn()] },
      [`POST ${ALWAYS_ON}3/restart/`]: { status: 503, json: { error: 'Service Unavailable', detail: 'the container engine is not answering' } },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Restart “the bot”' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not do it: the container engine is not answering');
  });
});
