import { test, expect } from '../support/fixtures.js';
import { appGet } from '../support/app-http.js';
import { createWebapp, writeFile, wsgiPath } from '../support/api.js';

// An app that writes markup and terminal escapes to its error log on every request.
const noisyApp = `import sys

def application(environ, start_response):
    sys.stderr.write('<img src=x onerror=alert(1)>\\n')
    sys.stderr.write('\\x1b[31mred alert\\x1b[0m <script>alert(2)</script>\\n')
    sys.stderr.flush()
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'logged']
`;

test('log lines with HTML and escape sequences show as inert text, live, and open no dialog', async ({ page, user, saveScreenshot }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const domain = await createWebapp(user);
  await writeFile(user, wsgiPath(domain), noisyApp);
  const reload = await user.api.post(`/api/v0/user/${user.username}/webapps/${domain}/reload/`);
  expect(reload.status(), await reload.text()).toBe(200);
  expect((await appGet(user, '/')).body).toBe('logged');

  await page.goto(`/web/${domain}/logs/error`);
  const log = page.getByRole('log', { name: `${domain}.error.log contents` });
  await expect(log).toContainText('<img src=x onerror=alert(1)>');
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();

  // A request made now reaches the open viewer through the live stream.
  const before = await log.getByText('<img src=x onerror=alert(1)>').count();
  expect((await appGet(user, '/')).body).toBe('logged');
  await expect(log.getByText('<img src=x onerror=alert(1)>')).toHaveCount(before + 1);

  await expect(log).toContainText('^[[31mred alert^[[0m <script>alert(2)</script>');
  expect(await log.locator('img, script').count()).toBe(0);

  await page.getByLabel('Filter').fill('red alert');
  await expect(log.getByText(/red alert/)).toHaveCount(before + 1);
  await expect(log.getByText('<img src=x onerror=alert(1)>')).toHaveCount(0);
  await page.getByLabel('Filter').fill('');

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');
  await appGet(user, '/');
  await expect(page.getByRole('status').filter({ hasText: /Paused — 2 new lines/ })).toBeVisible();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(log.getByText('<img src=x onerror=alert(1)>')).toHaveCount(before + 2);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download' }).click();
  expect((await download).suggestedFilename()).toBe(`${domain}.error.log`);

  await saveScreenshot(page, 'logs-viewer-escapes');
  expect(dialogs).toEqual([]);
});
