import { test, expect } from '../support/fixtures.js';

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
  await page.keyboard.insertText("print('hello from the editor')\n");
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();

  // Leaving with unsaved changes asks first; Cancel stays.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Web' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
  await expect(leave).toBeVisible();
  await leave.getByRole('button', { name: 'Cancel' }).click();
  await expect(editor).toContainText('hello from the editor');

  await page.keyboard.press('ControlOrMeta+s');
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
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
