import { request as playwrightRequest } from '@playwright/test';
import { test, expect, type TestUser } from '../support/fixtures.js';
import { createWebapp } from '../support/api.js';
import { eventuallyApp } from '../support/app-http.js';
import { setupTokenOf, startInstance } from '../support/instance.js';
import { uniqueUsername } from '../support/names.js';

// Running an instance from the Admin section: the first admin from the
// log's token, a class's accounts with their printed login sheet, and an
// account taken away (disabled, then deleted with its files archived).

const CLASS_SIZE = 30;

test('first run: the login page leads to the setup page, which makes the first admin with the token from the log', async ({ page }) => {
  // An instance of its own: the suite's instance has an admin from the start.
  const fresh = await startInstance({ PYHOST_ADMIN_USER: '', PYHOST_ADMIN_PASSWORD: '', PYHOST_SIGNUP: 'closed' });
  try {
    const token = setupTokenOf(fresh);
    expect(token, "the api's log has the first-run setup token").toBeTruthy();
    const url = `http://localhost:${fresh.port}`;
    await page.goto(`${url}/`);
    await expect(page).toHaveURL(`${url}/setup`);
    await expect(page.getByRole('heading', { name: 'Set up this Pyhost' })).toBeVisible();

    await page.getByLabel('Setup token').fill('not-the-token');
    await page.getByLabel('Username').fill('firstadmin');
    await page.getByLabel('Password', { exact: true }).fill('a first admin password');
    await page.getByLabel('Password again').fill('a first admin password');
    await page.getByRole('button', { name: 'Create the first admin' }).click();
    await expect(page.getByLabel('Setup token')).toHaveAttribute('aria-invalid', 'true');

    await page.getByLabel('Setup token').fill(token!);
    await page.getByRole('button', { name: 'Create the first admin' }).click();
    await expect(page).toHaveURL(`${url}/admin`);
    await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Accounts' }).getByRole('row', { name: /firstadmin/ })).toContainText('admin');

    // An instance of its own starts with custom domains off, and nothing after this test needs them undone.
    await test.step('the first admin allows custom domains in Settings; the switch is still on after a reload', async () => {
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Settings' }).click();
      const allow = page.getByRole('switch', { name: 'Allow custom domains' });
      await expect(allow).not.toBeChecked();
      await allow.click();
      await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
      await page.reload();
      await expect(page.getByRole('switch', { name: 'Allow custom domains' })).toBeChecked();
      expect(await (await page.request.get(`${url}/api/admin/settings`)).json()).toMatchObject({ custom_domains: true });
    });

    // Set up once: the token is spent, and the login page stays the login page.
    const anon = await playwrightRequest.newContext({ baseURL: url });
    expect(await (await anon.get('/api/auth/setup')).json()).toEqual({ required: false });
    await anon.dispose();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(`${url}/login`);
    await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
  } finally {
    await fresh.stop();
  }
});

interface Login {
  username: string;
  password: string;
}

/** Accounts the admin made in this test, erased afterwards (newest first). */
async function eraseAccounts(admin: TestUser, usernames: string[]): Promise<void> {
  for (const username of [...usernames].reverse()) {
    const res = await admin.api.delete(`/api/admin/users/${username}`, { data: { confirm: username, files: 'erase' } });
    expect([200, 404], `erasing ${username}: ${await res.text()}`).toContain(res.status());
  }
}

test('an admin makes a class of 30 and prints its login sheet; a student logs in; the admin disables, then deletes the student', async ({ page, admin, adoptUser, newPerson }) => {
  const names = Array.from({ length: CLASS_SIZE }, () => uniqueUsername('c'));
  try {
    const login = await page.request.post('/api/auth/login', { data: { username: admin.username, password: admin.password } });
    expect(login.status()).toBe(200);
    // The sheet opens the print dialog by itself; a headless browser has none, so count the calls.
    await page.addInitScript(() => {
      const counted = window as unknown as { printCalls: number };
      counted.printCalls = 0;
      window.print = () => void counted.printCalls++;
    });
    const printCalls = () => page.evaluate(() => (window as unknown as { printCalls: number }).printCalls);

    const accounts = await test.step(`bulk-create ${CLASS_SIZE} accounts from a pasted list`, async () => {
      await page.goto('/');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Add accounts' }).click();
      await page.getByLabel('Accounts, one a line').fill(`username\n${names.join('\n')}\n`);
      await page.getByRole('button', { name: `Create ${CLASS_SIZE} accounts` }).click();
      await expect(page.getByRole('heading', { name: `Created ${CLASS_SIZE} accounts` })).toBeVisible({ timeout: 60_000 });
      const rows = page.getByRole('table', { name: 'New accounts and their passwords' }).getByRole('row');
      await expect(rows).toHaveCount(CLASS_SIZE + 1);
      const made: Login[] = [];
      for (const row of (await rows.all()).slice(1)) {
        made.push({ username: await row.getByRole('rowheader').innerText(), password: await row.getByRole('cell').innerText() });
      }
      expect(made.map((a) => a.username).sort()).toEqual([...names].sort());
      for (const a of made) expect(a.password.length).toBeGreaterThanOrEqual(8);
      return made;
    });

    await test.step('print the login sheet: one card per account, nothing else on paper', async () => {
      await page.getByRole('button', { name: 'Print login sheet' }).click();
      await expect.poll(printCalls).toBe(1);
      await page.emulateMedia({ media: 'print' });
      const cards = page.getByRole('list', { name: 'Login cards' }).getByRole('listitem');
      await expect(cards).toHaveCount(CLASS_SIZE);
      for (const [i, a] of accounts.entries()) {
        await expect(cards.nth(i)).toContainText(a.username);
        await expect(cards.nth(i)).toContainText(a.password);
      }
      await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
      await expect(page.getByRole('button', { name: 'Print', exact: true })).toBeHidden();
      await page.emulateMedia({ media: 'screen' });
      await page.getByRole('button', { name: 'Print', exact: true }).click();
      await expect.poll(printCalls).toBe(2);
    });

    const student = accounts[7]!;
    const studentPage = await newPerson();
    await test.step('a student logs in with the password from the sheet', async () => {
      await studentPage.goto('/');
      await expect(studentPage).toHaveURL(/\/login/);
      await studentPage.getByLabel('Username').fill(student.username);
      await studentPage.getByLabel('Password').fill(student.password);
      await studentPage.getByRole('button', { name: 'Log in' }).click();
      await expect(studentPage).toHaveURL(/\/web/);
      await expect(studentPage.getByRole('navigation', { name: 'Main' })).toBeVisible();
    });

    const user = await adoptUser(student.username, student.password);
    await test.step('the student publishes a web app', async () => {
      await createWebapp(user);
      await eventuallyApp(user, '/', (res) => expect(res.status).toBe(200));
    });

    await test.step('the admin disables the student: logged out, and the app answers the disabled page', async () => {
      await page.goto('/admin');
      await page.getByLabel('Search accounts').fill(student.username);
      await expect(page.getByRole('status').filter({ hasText: /of \d+ accounts/ })).toContainText('1 of');
      await page.getByRole('table', { name: 'Accounts' }).getByRole('link', { name: student.username }).click();
      await expect(page.getByRole('heading', { name: student.username })).toBeVisible();
      await page.getByRole('button', { name: `Disable ${student.username}` }).click();
      await page.getByRole('dialog', { name: `Disable ${student.username}?` }).getByRole('button', { name: 'Disable account' }).click();
      await expect(page.getByRole('button', { name: `Enable ${student.username}` })).toBeVisible();
      await eventuallyApp(user, '/', (res) => {
        expect(res.status).toBe(503);
        expect(res.body).toContain('This site is disabled.');
      });
      await studentPage.reload();
      await expect(studentPage).toHaveURL(/\/login/);
    });

    await test.step('the admin deletes the student, archiving the files: the app is gone (404)', async () => {
      await page.getByRole('button', { name: `Delete ${student.username}…` }).click();
      const dialog = page.getByRole('dialog', { name: `Delete ${student.username}?` });
      await expect(dialog.getByRole('radio', { name: /Archive the files/ })).toBeChecked();
      await expect(dialog.getByRole('button', { name: 'Delete account' })).toBeDisabled();
      await dialog.getByLabel(`Type ${student.username} to confirm`).fill(student.username);
      await dialog.getByRole('button', { name: 'Delete account' }).click();
      await expect(page).toHaveURL(/\/admin$/);
      await expect(page.getByRole('status').filter({ hasText: `${student.username} is deleted` })).toContainText('archived as');
      await eventuallyApp(user, '/', (res) => expect(res.status).toBe(404));
      await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Archives' }).click();
      await expect(page.getByRole('table').getByRole('row', { name: new RegExp(student.username) })).toBeVisible();
    });
  } finally {
    await eraseAccounts(admin, names);
  }
});
