import type { Request, Route } from '@playwright/test';
import { test, expect } from '../support/fixtures.js';

// The editor's status line is matched exactly: `filter({ hasText: 'Saved' })`
// is a case-insensitive substring, and "● Unsaved changes" contains "saved".
// That is how this test once read the file before the save had reached it.

test('Files: folders, new file, editor with unsaved-changes warning, upload, download, rename, delete', async ({ page, user, saveScreenshot }) => {
  const home = `/home/${user.username}`;
  await page.goto(`/files${home}`);
  const table = page.getByRole('table', { name: `Contents of ${home}` });
  await expect(table).toBeVisible();

  await page.getByLabel('New folder name').fill('mysite');
  await page.getByRole('button', { name: 'New folder' }).click();
  await table.getByRole('link', { name: 'mysite/' }).click();
  const folder = page.getByRole('table', { name: `Contents of ${home}/mysite` });
  await expect(folder).toContainText('This folder is empty.');

  await page.getByLabel('New file name').fill('app.py');
  await page.getByRole('button', { name: 'New file' }).click();
  await folder.getByRole('link', { name: 'app.py', exact: true }).click();

  const editor = page.getByRole('textbox', { name: `Contents of ${home}/mysite/app.py` });
  await editor.click();
  const status = page.getByRole('status');
  await page.keyboard.insertText("print('hello from the editor')\n");
  await expect(status).toHaveText('● Unsaved changes');

  // Leaving with unsaved changes asks first; Cancel stays.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Web' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Cancel' }).click();
  await expect(editor).toContainText('hello from the editor');

  await page.keyboard.press('ControlOrMeta+s');
  await expect(status).toHaveText('✓ Saved');
  const saved = await user.api.get(`/api/v0/user/${user.username}/files/path${home}/mysite/app.py`);
  expect(await saved.text()).toBe("print('hello from the editor')\n");

  await page.getByRole('link', { name: `${home}/mysite/app.py` }).click();
  await page.getByLabel('Upload files').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('uploaded notes\n') });
  await expect(folder.getByRole('link', { name: 'notes.txt', exact: true })).toBeVisible();
  const download = page.waitForEvent('download');
  await folder.getByRole('link', { name: 'Download notes.txt' }).click();
  expect((await download).suggestedFilename()).toBe('notes.txt');

  await folder.getByRole('button', { name: 'Rename app.py' }).click();
  await folder.getByLabel('New name for app.py').fill('main.py');
  await folder.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(folder.getByRole('link', { name: 'main.py', exact: true })).toBeVisible();
  await saveScreenshot(page, 'files');

  await folder.getByRole('button', { name: 'Delete notes.txt' }).click();
  await page.getByRole('dialog', { name: 'Delete notes.txt?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(folder.getByRole('link', { name: 'notes.txt', exact: true })).toHaveCount(0);

  await page.getByRole('navigation', { name: 'Places' }).getByRole('link', { name: '/var/log' }).click();
  await expect(page.getByRole('table', { name: 'Contents of /var/log' })).toBeVisible();
});

test('Files: "Saved" only once the server has what the editor shows, however slow the saves', async ({ page, user }) => {
  const file = `/home/${user.username}/slow.py`;
  const url = `/api/v0/user/${user.username}/files/path${file}`;
  const created = await user.api.post(url, { multipart: { content: { name: 'slow.py', mimeType: 'text/plain', buffer: Buffer.from('x = 1\n') } } });
  expect(created.status()).toBe(201);

  // A slow server: every save waits here until the test lets it through.
  const held: { route: Route; request: Request }[] = [];
  let arrived = 0;
  let mostHeld = 0;
  await page.route(`**${url}`, async (route, request) => {
    if (request.method() !== 'POST') return route.continue();
    held.push({ route, request });
    arrived++;
    mostHeld = Math.max(mostHeld, held.length);
  });
  // Counted in the page the moment a save goes out; the route hears of it a little later.
  await page.addInitScript((path) => {
    const w = window as Window & { savesSent?: number };
    const send = w.fetch.bind(w);
    w.savesSent = 0;
    w.fetch = (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith(path)) w.savesSent! += 1;
      return send(input, init);
    };
  }, url);
  const allSavesArrived = async () => arrived === (await page.evaluate(() => (window as Window & { savesSent?: number }).savesSent));

  await page.goto(`/edit${file}`);
  const editor = page.getByRole('textbox', { name: `Contents of ${file}` });
  const status = page.getByRole('status');
  // Typing starts only once the file is in the editor.
  await expect(editor).toContainText('x = 1');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('y = 2\n');
  await expect(status).toHaveText('● Unsaved changes');

  await page.keyboard.press('ControlOrMeta+s');
  await expect.poll(() => held.length).toBe(1);
  await expect(status).toHaveText('Saving…');
  // Typed while that save is on its way: it cannot cover this line.
  await page.keyboard.insertText('z = 3\n');
  await expect(status).toHaveText('● Unsaved changes');
  await page.keyboard.press('ControlOrMeta+s');

  // Let the saves through newest first, each answered before the next: were two
  // on their way at once, the older text would land last.
  for (let round = 0; round < 5; round++) {
    // Every save sent so far is held here, and either one is waiting or the editor has settled.
    await expect.poll(async () => (await allSavesArrived()) && (held.length > 0 || (await status.textContent()) === '✓ Saved')).toBe(true);
    if (held.length === 0) break;
    const { route, request } = held.pop()!;
    await route.continue();
    await request.response();
  }
  await expect(status).toHaveText('✓ Saved');
  expect(await (await user.api.get(url)).text()).toBe('x = 1\ny = 2\nz = 3\n');
  expect(mostHeld, 'saves on their way at once').toBe(1);
});
