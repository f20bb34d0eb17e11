import { test, expect } from '../support/fixtures.js';
import { createWebapp } from '../support/api.js';
import { appGet } from '../support/app-http.js';

// Sleeping web apps (docs/sleeping-apps.md), on the suite's real instance:
// the admin gives one account a short idle time (the others never sleep),
// the Web tab shows the app asleep, a visitor wakes it through the router,
// and keeping it awake is refused over the account's limit.

test("an idle app is shown asleep in its Web tab, a visitor's request wakes it, and Keep awake is within the account's limit", async ({ page, user, admin }) => {
  const limits = await admin.api.patch(`/api/admin/users/${user.username}/limits`, { data: { sleep_after_seconds: 2 } });
  expect(limits.status(), await limits.text()).toBe(200);
  const domain = await createWebapp(user);

  await test.step('the Web tab says when it sleeps, then that it sleeps', async () => {
    await page.goto(`/web/${domain}`);
    await expect(page.getByText('Sleeps after 2 s without a request')).toBeVisible();
    // The tab reads the state when it loads: looked at again until the app has slept.
    await expect(async () => {
      await page.reload();
      await expect(page.getByText('Sleeping — wakes on its next request').first()).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 60_000 });
    const note = page.getByRole('note', { name: 'Sleeping' });
    await expect(note).toContainText('Asleep since');
    await expect(note).toContainText('Its next request wakes it');
  });

  await test.step("a visitor's first request wakes it and gets its page", async () => {
    const res = await appGet(user, '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Hello, World!');
    await page.reload();
    await expect(page.getByText('Running', { exact: true }).first()).toBeVisible();
  });

  await test.step('Keep awake is refused while the account may keep none awake, and the box goes back', async () => {
    const box = page.getByRole('checkbox', { name: 'Keep awake' });
    await box.click();
    await expect(page.getByText(/limit is 0 web apps kept awake/)).toBeVisible();
    await expect(box).not.toBeChecked();
  });
});
