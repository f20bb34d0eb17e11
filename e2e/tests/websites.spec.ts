import { test, expect } from '../support/fixtures.js';
import { writeFile } from '../support/api.js';
import { appGet, atDomain, eventuallyApp } from '../support/app-http.js';

const fastapi = (message: string) => `from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"message": ${JSON.stringify(message)}}
`;

const COMMAND = 'cd ~/api && uvicorn --uds $DOMAIN_SOCKET main:app';

test('create a FastAPI website from the Web tab, open it, break it, read the reload error, fix it', async ({ page, user, saveScreenshot }) => {
  const domain = `api.${user.username}.localhost`;
  const site = atDomain(user, domain);
  await writeFile(user, `/home/${user.username}/api/main.py`, fastapi('version one'));

  await test.step('create the website with its uvicorn command', async () => {
    await page.goto('/web');
    await page.getByRole('link', { name: 'Add a new website' }).click();
    await expect(page.getByRole('heading', { name: 'Add a new website' })).toBeVisible();
    await expect(page.getByLabel('Domain name')).toHaveValue(domain);
    await expect(page.getByLabel('Command')).toHaveAttribute('placeholder', COMMAND);
    await page.getByLabel('Command').fill(COMMAND);
    await page.getByRole('button', { name: 'Create website' }).click();
    await expect(page.getByRole('heading', { name: `Configuration for ${domain}` })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByRole('region', { name: 'Address and state' }).getByText('Running', { exact: true })).toBeVisible();
    await expect(page.getByLabel('Server command')).toHaveValue(COMMAND);
    await expect(page.getByRole('group', { name: 'Your websites' }).getByRole('link', { name: new RegExp(domain) })).toBeVisible();
    await saveScreenshot(page, 'website-page');
  });

  await test.step('open it through the router', async () => {
    const url = `http://${domain}:${new URL(user.appUrl).port}/`;
    await expect(page.getByRole('link', { name: url })).toHaveAttribute('href', url);
    const tab = await page.context().newPage();
    await tab.goto(url);
    await expect(tab.locator('body')).toContainText('"message":"version one"');
    await tab.close();
  });

  await test.step('break it: Reload shows why and the traceback, and the old version keeps serving', async () => {
    await writeFile(user, `/home/${user.username}/api/main.py`, `${fastapi('never served')}\ndef broken(:\n`);
    await page.getByRole('button', { name: `Reload ${domain}` }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Reload failed' });
    await expect(alert).toBeVisible({ timeout: 60_000 });
    await expect(alert).toContainText(/the command exited with code \d+ after [\d.]+ s before listening on \$DOMAIN_SOCKET/);
    await expect(alert).toContainText('The previous version keeps serving.');
    await expect(page.getByLabel('End of the error log')).toContainText('SyntaxError');
    await saveScreenshot(page, 'website-reload-failed');
    expect((await appGet(site, '/')).body).toBe('{"message":"version one"}');

    await alert.getByRole('link', { name: 'Open the error log' }).click();
    const log = page.getByRole('log', { name: new RegExp(`${domain}\\.error\\.log`) });
    await expect(log).toContainText('SyntaxError');
    await page.getByRole('link', { name: 'Back to the Web tab' }).click();
    await expect(page.getByRole('heading', { name: `Configuration for ${domain}` })).toBeVisible();
  });

  await test.step('fix it and Reload: the new version answers', async () => {
    await writeFile(user, `/home/${user.username}/api/main.py`, fastapi('version two'));
    await page.getByRole('button', { name: `Reload ${domain}` }).click();
    await expect(page.getByText(/Reloaded in/)).toBeVisible({ timeout: 60_000 });
    await eventuallyApp(site, '/', (res) => expect(res.body).toBe('{"message":"version two"}'));
  });
});
