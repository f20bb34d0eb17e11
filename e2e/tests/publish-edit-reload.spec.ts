import type { Page } from '@playwright/test';
import { test, expect } from '../support/fixtures.js';
import { appGet, eventuallyApp } from '../support/app-http.js';
import { uniqueUsername } from '../support/names.js';

/** Replaces everything in the CodeMirror editor with `text` (inserted as text: no auto-indent or bracket closing). */
async function replaceEditorText(page: Page, path: string, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: `Contents of ${path}` });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();
}

const wsgiSaying = (words: string) => `def application(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain; charset=utf-8')])
    return [${JSON.stringify(words)}.encode()]
`;

test('sign up, add a web app, edit its WSGI file, break it, read the traceback, fix it', async ({ page, adoptUser, saveScreenshot }) => {
  const username = uniqueUsername('s');
  const password = `pw-${username}-secret`;

  await test.step('sign up', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { name: 'Add a new web app' })).toBeVisible();
  });
  const user = await adoptUser(username, password);
  const domain = `${username}.localhost`;
  const wsgi = `/var/www/${username}_localhost_wsgi.py`;

  await test.step('add a web app with manual configuration', async () => {
    await expect(page.getByLabel('Domain name')).toHaveValue(domain);
    await page.getByRole('radio', { name: /Manual configuration/ }).check();
    await saveScreenshot(page, 'new-webapp-wizard');
    await page.getByRole('button', { name: 'Create web app' }).click();
    await expect(page.getByRole('heading', { name: `Configuration for ${domain}` })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText('Running', { exact: true }).first()).toBeVisible({ timeout: 60_000 });
    await saveScreenshot(page, 'web-tab');
    await page.setViewportSize({ width: 390, height: 844 });
    await saveScreenshot(page, 'web-tab-390px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await test.step('open its URL through the router', async () => {
    const link = page.getByRole('link', { name: user.appUrl });
    await expect(link).toHaveAttribute('href', user.appUrl);
    const site = await page.context().newPage();
    await site.goto(user.appUrl);
    await expect(site).toHaveTitle('Hello from Pyhost');
    await expect(site.getByRole('heading', { name: 'Hello, World!' })).toBeVisible();
    await site.close();
  });

  await test.step('edit the WSGI file, Save and reload, the new text is served', async () => {
    await page.getByRole('link', { name: wsgi }).click();
    await expect(page.getByRole('textbox', { name: `Contents of ${wsgi}` })).toContainText('def application');
    await replaceEditorText(page, wsgi, wsgiSaying('Edited in the browser'));
    await page.getByRole('button', { name: `Save and reload ${domain}` }).click();
    await expect(page.getByText(/Reloaded in/)).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await saveScreenshot(page, 'editor');
    await eventuallyApp(user, '/', (res) => expect(res.body).toBe('Edited in the browser'));
  });

  await test.step('break it: Reload shows the error, the error log has the traceback', async () => {
    await replaceEditorText(page, wsgi, `import no_such_module_here\n${wsgiSaying('never served')}`);
    await page.keyboard.press('ControlOrMeta+s');
    await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
    await page.goto(`/web/${domain}`);
    await page.getByRole('button', { name: `Reload ${domain}` }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Reload failed' });
    await expect(alert).toBeVisible({ timeout: 60_000 });
    await expect(page.getByLabel('End of the error log')).toContainText('no_such_module_here');
    await saveScreenshot(page, 'web-tab-reload-failed');
    // The old code keeps serving while the new one is broken.
    expect((await appGet(user, '/')).body).toBe('Edited in the browser');

    await alert.getByRole('link', { name: 'Open the error log' }).click();
    const log = page.getByRole('log', { name: new RegExp(`${domain}\\.error\\.log`) });
    await expect(log).toContainText('Traceback (most recent call last)');
    await expect(log).toContainText("ModuleNotFoundError: No module named 'no_such_module_here'");
    await saveScreenshot(page, 'logs-viewer');
  });

  await test.step('fix it and reload: served again', async () => {
    await page.goto(`/edit${wsgi}`);
    await replaceEditorText(page, wsgi, wsgiSaying('Fixed and reloaded'));
    await page.getByRole('button', { name: `Save and reload ${domain}` }).click();
    await expect(page.getByText(/Reloaded in/)).toBeVisible({ timeout: 60_000 });
    await eventuallyApp(user, '/', (res) => expect(res.body).toBe('Fixed and reloaded'));
  });
});
