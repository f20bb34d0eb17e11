import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures.js';
import { writeFile, wsgiPath } from '../support/api.js';
import type { TestUser } from '../support/fixtures.js';

// The article's Django blog (control-plane/test/fixtures/django-blog),
// published through the API as a user would upload it, migrated by a
// scheduled task's Run now, then compared in the browser.
const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'control-plane', 'test', 'fixtures');
const SKIP = new Set(['__pycache__', 'db.sqlite3', 'static']);

function fixtureFiles(dir: string, rel = ''): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name) || e.name.endsWith('.pyc')) return [];
    const p = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? fixtureFiles(dir, p) : [p];
  });
}

async function publishDjangoBlog(user: TestUser): Promise<string> {
  const project = `/home/${user.username}/blog`;
  const src = path.join(FIXTURES, 'django-blog');
  for (const file of fixtureFiles(src)) await writeFile(user, `${project}/${file}`, fs.readFileSync(path.join(src, file), 'utf8'));
  const v0 = `/api/v0/user/${user.username}`;
  // Migrate (creates db.sqlite3 with the three posts) as the user, in the runtime image.
  const task = await user.api.post(`${v0}/schedule/`, { data: { command: `cd ${project} && python3 manage.py migrate --noinput`, interval: 'daily', hour: 3, minute: 0 } });
  expect(task.status(), await task.text()).toBe(201);
  const id = (await task.json()).id as number;
  expect((await user.api.post(`${v0}/schedule/${id}/run/`)).status()).toBe(202);
  await expect.poll(async () => (await (await user.api.get(`${v0}/schedule/${id}/runs/`)).json())[0]?.outcome, { timeout: 60_000 }).toBe('ok');

  const created = await user.api.post(`${v0}/webapps/`, { data: {} });
  expect(created.status(), await created.text()).toBe(201);
  const domain = (await created.json()).domain_name as string;
  const template = fs.readFileSync(path.join(FIXTURES, 'django-blog.wsgi.py.txt'), 'utf8');
  await writeFile(user, wsgiPath(domain), template.replaceAll('{{PROJECT_DIR}}', project));
  const patched = await user.api.patch(`${v0}/webapps/${domain}/`, { data: { source_directory: project } });
  expect(patched.status(), await patched.text()).toBe(200);
  await expect.poll(async () => (await (await user.api.get(`${v0}/webapps/${domain}/`)).json()).state, { timeout: 60_000 }).toBe('running');
  return domain;
}

test('Compare servers on the Django blog shows the article\'s table for it', async ({ page, user, saveScreenshot }) => {
  const domain = await publishDjangoBlog(user);
  await page.goto(`/web/${domain}`);
  const section = page.getByRole('region', { name: 'Compare servers' });
  await expect(section.getByLabel('Path to measure')).toHaveValue('/');
  await section.getByRole('button', { name: 'Compare servers' }).click();
  await expect(section.getByRole('button', { name: 'Comparing…' })).toBeDisabled();

  const table = section.getByRole('table');
  // The whole run: three servers, three levels, well under a minute.
  await expect(section.getByText(/served the most|no winner/)).toBeVisible({ timeout: 90_000 });
  const rows = table.getByRole('row');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toHaveText(/Server\s*1 connection\s*10 connections\s*20 connections/);
  for (const [i, name] of ['runserver', 'gunicorn', 'uWSGI'].entries()) {
    const row = rows.nth(i + 1);
    await expect(row.getByRole('rowheader')).toContainText(name);
    // Each of the three cells: a number of requests/s, or the article's Error.
    await expect(row.getByRole('cell')).toHaveCount(3);
    for (const cell of await row.getByRole('cell').all()) await expect(cell).toHaveText(/^\d+\.\d\s*p50|^Error/);
  }
  await expect(section.getByText(/runserver is Django's development server/)).toBeVisible();
  await expect(section.getByRole('img', { name: 'Requests per second by server and connections' })).toBeVisible();
  await saveScreenshot(page, 'compare-servers');
});
