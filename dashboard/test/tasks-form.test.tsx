import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { TasksPage } from '@/features/tasks/components/tasks-page';
import { nextOccurrence, scheduleTimes, validateDraft } from '@/features/tasks/lib/schedule';
import { mockApi, renderPage } from './helpers';
import { ALWAYS_ON, SCHEDULE, sampleAlwaysOn, sampleScheduled } from './tasks-fixtures';

// The viewer's clock is Tokyo's (UTC+9, no summer time, so the test holds all year).
beforeAll(() => {
  process.env.TZ = 'Asia/Tokyo';
});

const emptyLists = { [`GET ${SCHEDULE}`]: { json: [] }, [`GET ${ALWAYS_ON}`]: { json: [] } };
const newScheduled = () => screen.getByRole('form', { name: 'New scheduled task' });

async function renderTasks(routes: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({ ...emptyLists, ...routes });
  renderPage(<TasksPage username="alice" />, { path: '/tasks' });
  expect(await screen.findByText('No scheduled tasks yet: create one below.')).toBeInTheDocument();
  return api;
}

describe('the schedule rules', () => {
  it('need a command, an hour 0–23 for a daily task only, and a minute 0–59', () => {
    const ok = { command: 'python3 x.py', description: '', interval: 'daily', hour: '23', minute: '59' } as const;
    expect(validateDraft(ok)).toEqual({});
    expect(validateDraft({ ...ok, hour: '24', minute: '60' })).toEqual({ hour: 'The hour is a whole number from 0 to 23.', minute: 'The minute is a whole number from 0 to 59.' });
    expect(validateDraft({ ...ok, hour: '' }).hour).toBe('A daily task needs an hour (0 to 23, UTC).');
    expect(validateDraft({ ...ok, interval: 'hourly', hour: '' })).toEqual({});
    expect(validateDraft({ ...ok, command: '   ' }).command).toBe('Type the command to run.');
    expect(validateDraft({ ...ok, command: 'a\u0000b' }).command).toBe('The command cannot contain a NUL byte.');
    expect(validateDraft({ ...ok, command: 'x'.repeat(10_001) }).command).toMatch(/at most 10,000 characters/);
    expect(validateDraft({ ...ok, minute: '5.5' }).minute).toBe('The minute is a whole number from 0 to 59.');
  });

  it('show a time in UTC and on the viewer\u2019s clock, with the offset in force on that day', () => {
    const winter = Date.parse('2026-12-02T16:05:00Z');
    expect(scheduleTimes('daily', 16, 5, winter, 'Europe/Paris')).toEqual({ utc: 'Daily at 16:05 UTC', local: '17:05 your time (Europe/Paris)' });
    expect(scheduleTimes('daily', 16, 5, Date.parse('2026-07-02T16:05:00Z'), 'Europe/Paris').local).toBe('18:05 your time (Europe/Paris)');
    expect(scheduleTimes('hourly', null, 5, winter, 'Asia/Kolkata')).toEqual({ utc: 'Hourly at :05 UTC', local: ':35 past each hour your time (Asia/Kolkata)' });
    expect(new Date(nextOccurrence('daily', 16, 5, Date.parse('2026-12-01T16:06:00Z'))).toISOString()).toBe('2026-12-02T16:05:00.000Z');
    expect(new Date(nextOccurrence('hourly', null, 5, Date.parse('2026-12-01T16:04:00Z'))).toISOString()).toBe('2026-12-01T16:05:00.000Z');
  });
});

describe('the new scheduled task form', () => {
  it('checks the hour and minute as they are typed, and shows what the time means', async () => {
    await renderTasks();
    const form = newScheduled();
    const hour = within(form).getByLabelText('Hour (UTC)');
    await userEvent.type(hour, '24');
    expect(within(form).getByText('The hour is a whole number from 0 to 23.')).toBeInTheDocument();
    expect(hour).toHaveAttribute('aria-invalid', 'true');
    await userEvent.clear(hour);
    await userEvent.type(hour, '16');
    expect(within(form).queryByText('The hour is a whole number from 0 to 23.')).toBeNull();
    expect(hour).not.toHaveAttribute('aria-invalid');

    const minute = within(form).getByLabelText('Minute');
    await userEvent.type(minute, '60');
    expect(within(form).getByText('The minute is a whole number from 0 to 59.')).toBeInTheDocument();
    expect(within(form).getByRole('status')).toHaveTextContent('Type a valid time to see when it runs.');
    await userEvent.clear(minute);
    await userEvent.type(minute, '5');
    expect(within(form).getByRole('status')).toHaveTextContent('Daily at 16:05 UTC — 01:05 your time (Asia/Tokyo). Next run:');
  });

  it('has no hour for an hourly task, and sends hour null', async () => {
    const api = await renderTasks({ [`POST ${SCHEDULE}`]: { status: 201, json: sampleScheduled({ interval: 'hourly', hour: null }) } });
    const form = newScheduled();
    await userEvent.type(within(form).getByLabelText('Hour (UTC)'), '99');
    await userEvent.click(within(form).getByRole('radio', { name: 'Hourly' }));
    expect(within(form).queryByLabelText('Hour (UTC)')).toBeNull();
    await userEvent.type(within(form).getByLabelText('Command'), 'python3 /home/alice/tick.py');
    await userEvent.type(within(form).getByLabelText('Minute'), '30');
    expect(within(form).getByRole('status')).toHaveTextContent('Hourly at :30 UTC — :30 past each hour your time');
    await userEvent.click(within(form).getByRole('button', { name: 'Create scheduled task' }));
    await waitFor(() => expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ command: 'python3 /home/alice/tick.py', description: '', interval: 'hourly', hour: null, minute: 30 }));
  });

  it('asks for a command and a time before sending anything', async () => {
    const api = await renderTasks();
    const form = newScheduled();
    await userEvent.click(within(form).getByRole('button', { name: 'Create scheduled task' }));
    expect(within(form).getByText('Type the command to run.')).toBeInTheDocument();
    expect(within(form).getByText('A daily task needs an hour (0 to 23, UTC).')).toBeInTheDocument();
    expect(within(form).getByText('Say at which minute (0 to 59).')).toBeInTheDocument();
    expect(within(form).getByLabelText('Command')).toHaveAttribute('aria-invalid', 'true');
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('creates a daily task, lists it and empties the form', async () => {
    let list: ReturnType<typeof sampleScheduled>[] = [];
    const api = await renderTasks({
      [`GET ${SCHEDULE}`]: () => ({ json: list }),
      [`POST ${SCHEDULE}`]: () => {
        list = [sampleScheduled({ description: 'reminder' })];
        return { status: 201, json: list[0] };
      },
    });
    const form = newScheduled();
    await userEvent.type(within(form).getByLabelText('Command'), 'python3 /home/alice/send.py --daily');
    await userEvent.type(within(form).getByLabelText('Description (optional)'), 'reminder');
    await userEvent.type(within(form).getByLabelText('Hour (UTC)'), '16');
    await userEvent.type(within(form).getByLabelText('Minute'), '05');
    await userEvent.click(within(form).getByRole('button', { name: 'Create scheduled task' }));
    expect(await screen.findByRole('listitem', { name: 'python3 /home/alice/send.py --daily' })).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ command: 'python3 /home/alice/send.py --daily', description: 'reminder', interval: 'daily', hour: 16, minute: 5 });
    expect(within(form).getByLabelText('Command')).toHaveValue('');
    expect(within(form).queryByText('Type the command to run.')).toBeNull();
  });

  it('shows the API\u2019s 400 at the field it names, until that field is changed', async () => {
    await renderTasks({ [`POST ${SCHEDULE}`]: { status: 400, json: { error: 'Bad Request', detail: 'command must not start with a space (server rule)', field: 'command' } } });
    const form = newScheduled();
    await userEvent.type(within(form).getByLabelText('Command'), 'echo hi');
    await userEvent.type(within(form).getByLabelText('Hour (UTC)'), '1');
    await userEvent.type(within(form).getByLabelText('Minute'), '2');
    await userEvent.click(within(form).getByRole('button', { name: 'Create scheduled task' }));
    expect(await within(form).findByText('command must not start with a space (server rule)')).toBeInTheDocument();
    expect(within(form).getByLabelText('Command')).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).queryByRole('alert')).toBeNull();
    await userEvent.type(within(form).getByLabelText('Command'), '!');
    expect(within(form).queryByText('command must not start with a space (server rule)')).toBeNull();
  });

  it('says which limit refused a new task (409)', async () => {
    const detail = 'You can have at most 20 scheduled tasks (limit scheduled_tasks); delete one first, or ask an administrator for more.';
    await renderTasks({ [`POST ${SCHEDULE}`]: { status: 409, json: { error: 'Conflict', detail } } });
    const form = newScheduled();
    await userEvent.type(within(form).getByLabelText('Command'), 'echo hi');
    await userEvent.type(within(form).getByLabelText('Hour (UTC)'), '1');
    await userEvent.type(within(form).getByLabelText('Minute'), '2');
    await userEvent.click(within(form).getByRole('button', { name: 'Create scheduled task' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(`Could not create the task: ${detail}`);
  });
});

describe('the new always-on task form', () => {
  it('needs a command, starts the task and lists it', async () => {
    let list: ReturnType<typeof sampleAlwaysOn>[] = [];
    const api = await renderTasks({
      [`GET ${ALWAYS_ON}`]: () => ({ json: list }),
      [`POST ${ALWAYS_ON}`]: () => {
        list = [sampleAlwaysOn({ state: 'starting', started_at: null, uptime_seconds: null })];
        return { status: 201, json: list[0] };
      },
    });
    const form = screen.getByRole('form', { name: 'New always-on task' });
    await userEvent.click(within(form).getByRole('button', { name: 'Create always-on task' }));
    expect(within(form).getByText('Type the command to run.')).toBeInTheDocument();
    await userEvent.type(within(form).getByLabelText('Command'), 'python3 /home/alice/bot.py');
    await userEvent.type(within(form).getByLabelText('Description (optional)'), 'the bot');
    await userEvent.click(within(form).getByRole('button', { name: 'Create always-on task' }));
    const card = await screen.findByRole('listitem', { name: 'python3 /home/alice/bot.py' });
    expect(within(card).getByText('starting')).toBeInTheDocument();
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ command: 'python3 /home/alice/bot.py', description: 'the bot' });
  });

  it('shows the limit of always-on tasks when it is reached', async () => {
    const detail = 'You can have at most 2 always-on tasks (limit always_on_tasks); delete one first, or ask an administrator for more.';
    await renderTasks({ [`POST ${ALWAYS_ON}`]: { status: 409, json: { error: 'Conflict', detail } } });
    const form = screen.getByRole('form', { name: 'New always-on task' });
    await userEvent.type(within(form).getByLabelText('Command'), 'sleep infinity');
    await userEvent.click(within(form).getByRole('button', { name: 'Create always-on task' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(detail);
  });
});
