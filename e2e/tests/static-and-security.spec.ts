import { test, expect } from '../support/fixtures.js';
import { basicAuth, eventuallyApp } from '../support/app-http.js';
import { createWebapp, writeFile } from '../support/api.js';

test('a static file mapping added on the Web tab serves a CSS file through the router', async ({ page, user }) => {
  const domain = await createWebapp(user);
  const css = 'body { color: rebeccapurple; }\n';
  await writeFile(user, `/home/${user.username}/mysite/static/site.css`, css);

  await page.goto(`/web/${domain}`);
  const staticFiles = page.getByRole('region', { name: 'Static files' });
  await staticFiles.getByLabel('URL to add').fill('/static/');
  await staticFiles.getByLabel('Directory to add').fill(`/home/${user.username}/mysite/static`);
  await staticFiles.getByRole('button', { name: 'Add mapping' }).click();
  await expect(staticFiles.getByRole('table', { name: 'Static file mappings' })).toContainText(`/home/${user.username}/mysite/static`);

  // The hello-world app answers every path, so wait for the file itself: the router serves it once it has the new route.
  const res = await eventuallyApp(user, '/static/site.css', (r) => expect(r.body).toBe(css));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('text/css');

  // And in the browser, through *.localhost.
  const site = await page.context().newPage();
  const response = await site.goto(new URL('/static/site.css', user.appUrl).href);
  expect(await response?.text()).toBe(css);
  await site.close();
});

test('password protection turned on in Security answers 401 without the password', async ({ page, user }) => {
  const domain = await createWebapp(user);
  await eventuallyApp(user, '/', (r) => expect(r.status).toBe(200));

  await page.goto(`/web/${domain}`);
  const security = page.getByRole('region', { name: 'Security' });
  await security.getByRole('checkbox', { name: 'Password protection' }).check();
  await security.getByLabel('Username for visitors').fill('visitor');
  await security.getByLabel('Password for visitors').fill('open sesame');
  await security.getByRole('button', { name: 'Save security settings' }).click();
  await expect(security.getByText('✓ Saved')).toBeVisible();

  const denied = await eventuallyApp(user, '/', (r) => expect(r.status).toBe(401));
  expect(denied.headers['www-authenticate']).toMatch(/^Basic /);
  await eventuallyApp(user, '/', (r) => expect(r.status).toBe(200), basicAuth('visitor', 'open sesame'));
  await eventuallyApp(user, '/', (r) => expect(r.status).toBe(401), basicAuth('visitor', 'wrong'));
});
