import type { Page } from '@playwright/test';
import { test, expect, type TestUser } from '../support/fixtures.js';

// The Tasks page against real containers: a scheduled task run now and its
// log in the log viewer; an always-on task that exits once, is restarted by
// Pyhost, then by the user.

const ONE_SHOT = "echo tasks-e2e-output; python3 -c 'print(6*7)'";
// Exits with 7 the first time (Pyhost restarts it), then stays up.
const BOT = 'if [ -e .bot-ran ]; then echo bot-up-again; exec sleep infinity; else touch .bot-ran; echo bot-first-run; exit 7; fi';

/** Deletes what a test left behind, so no task container outlives it. */
async function deleteTasks(user: TestUser): Promise<void> {
  for (const kind of ['schedule', 'always_on']) {
    const list = await user.api.get(`/api/v0/user/${user.username}/${kind}/`);
    if (!list.ok()) continue;
    for (const t of (await list.json()) as { id: number }[]) await user.api.delete(`/api/v0/user/${user.username}/${kind}/${t.id}/`);
  }
}

async function deleteInPage(page: Page, card: ReturnType<Page['getByRole']>, name: string): Promise<void> {
  await card.getByRole('button', { name: `Delete “${name}”` }).click();
  await page.getByRole('dialog', { name: `Delete “${name}”?` }).getByRole('button', { name: 'Delete task' }).click();
  await expect(card).toHaveCount(0);
}

test.afterEach(async ({ user }) => deleteTasks(user));

test('Tasks: a scheduled task made on the page runs now, and its log shows the output and exit code', async ({ page, user, saveScreenshot }) => {
  await page.goto('/web');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();

  const form = page.getByRole('form', { name: 'New scheduled task' });
  await form.getByLabel('Command').fill(ONE_SHOT);
  await form.getByLabel('Hour (UTC)').fill('24');
  await expect(form.getByText('The hour is a whole number from 0 to 23.')).toBeVisible();
  // Twelve hours away, so the schedule itself does not run it during the test.
  const hour = (new Date().getUTCHours() + 12) % 24;
  await form.getByLabel('Hour (UTC)').fill(String(hour));
  await form.getByLabel('Minute').fill('30');
  await expect(form.getByRole('status')).toContainText(`Daily at ${String(hour).padStart(2, '0')}:30 UTC`);
  await form.getByRole('button', { name: 'Create scheduled task' }).click();

  const card = page.getByRole('listitem', { name: ONE_SHOT });
  await expect(card).toContainText('not run yet');
  const made = (await (await user.api.get(`/api/v0/user/${user.username}/schedule/`)).json()) as { command: string; interval: string; hour: number; minute: number }[];
  expect(made.map((t) => [t.command, t.interval, t.hour, t.minute])).toEqual([[ONE_SHOT, 'daily', hour, 30]]);
  await expect(card.getByRole('switch', { name: `Enabled: “${ONE_SHOT}”` })).toBeChecked();
  await card.getByRole('button', { name: `Run “${ONE_SHOT}” now` }).click();
  await expect(card.getByText('succeeded (exit code 0)')).toBeVisible({ timeout: 90_000 });
  await expect(card).toContainText('Run now');
  await card.getByText('Recent runs').click();
  await expect(card.getByRole('table', { name: `Recent runs of “${ONE_SHOT}”` })).toContainText('succeeded (exit code 0)');

  await page.setViewportSize({ width: 390, height: 844 });
  const runNow = card.getByRole('button', { name: `Run “${ONE_SHOT}” now` });
  await runNow.scrollIntoViewIfNeeded();
  await expect(runNow).toBeInViewport({ ratio: 1 });
  // Nothing wider than the phone: no sideways scrolling, the navigation included.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await saveScreenshot(page, 'tasks-page-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });

  await card.getByRole('link', { name: `Log of “${ONE_SHOT}”` }).click();
  const log = page.getByRole('log', { name: /tasklog-\d+\.log contents/ });
  await expect(log).toContainText('tasks-e2e-output');
  await expect(log.getByText('42', { exact: true })).toBeVisible();
  await expect(log).toContainText(/run \d+ ended: exit code 0/);
  await saveScreenshot(page, 'tasks-log');

  await page.getByRole('link', { name: 'Back to Tasks' }).click();
  await deleteInPage(page, page.getByRole('listitem', { name: ONE_SHOT }), ONE_SHOT);
});

test('Tasks: an always-on task runs, is restarted after it exits, and restarts when asked', async ({ page, user }) => {
  await page.goto('/tasks');
  const form = page.getByRole('form', { name: 'New always-on task' });
  await form.getByLabel('Command').fill(BOT);
  await form.getByLabel('Description (optional)').fill('e2e bot');
  await form.getByRole('button', { name: 'Create always-on task' }).click();

  const card = page.getByRole('listitem', { name: BOT });
  const facts = (term: string) => card.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]');
  // Its first run exits 7; Pyhost starts it again and it stays up.
  await expect(facts('Restarts')).toHaveText('1 (last exit code 7)', { timeout: 90_000 });
  await expect(facts('State')).toHaveText('running', { timeout: 60_000 });

  await card.getByRole('button', { name: 'Restart “e2e bot”' }).click();
  // A restart by the user starts the count over, and it comes back up.
  await expect(facts('Restarts')).toHaveText(/^0/, { timeout: 60_000 });
  await expect(facts('State')).toHaveText('running', { timeout: 60_000 });

  await card.getByRole('link', { name: 'Log of “e2e bot”' }).click();
  const log = page.getByRole('log', { name: /alwayson-log-\d+\.log contents/ });
  await expect(log.getByText('bot-first-run', { exact: true })).toHaveCount(1);
  await expect(log).toContainText('exited with code 7');
  await expect(log).toContainText('restarting (restart 1)');
  // Up again after Pyhost's restart, and again after the user's.
  await expect(log.getByText('bot-up-again', { exact: true })).toHaveCount(2);
  await page.getByRole('link', { name: 'Back to Tasks' }).click();

  await card.getByRole('button', { name: 'Stop “e2e bot”' }).click();
  await expect(facts('State')).toHaveText(/^stopped/);
  await deleteInPage(page, card, 'e2e bot');
  const left = await user.api.get(`/api/v0/user/${user.username}/always_on/`);
  expect(await left.json()).toEqual([]);
});
