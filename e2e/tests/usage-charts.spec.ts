import { test, expect } from '../support/fixtures.js';
import { appGet } from '../support/app-http.js';
import { createWebapp, writeFile, wsgiPath } from '../support/api.js';

// 200 for /, 404 for anything else: a load with both kinds of answers.
const app = `def application(environ, start_response):
    if environ['PATH_INFO'] == '/':
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'ok']
    start_response('404 Not Found', [('Content-Type', 'text/plain')])
    return [b'no such page']
`;

const REQUESTS = 200;
const NOT_FOUND = 20;
const CONCURRENCY = 8;

test('the Web tab’s Usage section counts the requests sent through the router and draws its charts', async ({ page, user, saveScreenshot }) => {
  test.setTimeout(180_000);
  const domain = await createWebapp(user);
  await writeFile(user, wsgiPath(domain), app);
  const reload = await user.api.post(`/api/v0/user/${user.username}/webapps/${domain}/reload/`);
  expect(reload.status(), await reload.text()).toBe(200);

  await test.step(`send ${REQUESTS} requests through the router, ${NOT_FOUND} of them 404s`, async () => {
    const paths = Array.from({ length: REQUESTS }, (_, i) => (i % (REQUESTS / NOT_FOUND) === 0 ? `/missing-${i}` : '/'));
    const statuses: number[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < paths.length) statuses.push((await appGet(user, paths[next++]!)).status);
    }));
    expect(statuses.filter((s) => s === 404)).toHaveLength(NOT_FOUND);
    expect(statuses.filter((s) => s === 200)).toHaveLength(REQUESTS - NOT_FOUND);
  });

  await test.step('the API counts them once the router has written its access log', async () => {
    await expect
      .poll(async () => (await (await user.api.get(`/api/v0/user/${user.username}/webapps/${domain}/usage/?period=hour`)).json()).totals, { timeout: 30_000 })
      .toEqual({ requests: REQUESTS, '2xx': REQUESTS - NOT_FOUND, '3xx': 0, '4xx': NOT_FOUND, '5xx': 0 });
  });

  await test.step('the Web tab shows them in words and on canvas charts, with the reload', async () => {
    await page.goto(`/web/${domain}`);
    const section = page.getByRole('region', { name: 'Usage' });
    const words = section.getByRole('list', { name: 'Usage in words' });
    await expect(words).toContainText(`${REQUESTS} requests in the last hour (${REQUESTS - NOT_FOUND} 2xx, 0 3xx, ${NOT_FOUND} 4xx, 0 5xx)`);
    await expect(words).toContainText('1 reload');
    await expect(section.locator('canvas')).toHaveCount(4);
    await expect(section.locator('canvas').first()).toBeVisible();
    await section.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'usage-charts');

    await section.getByRole('button', { name: 'Last 24 hours' }).click();
    await expect(words).toContainText(`${REQUESTS} requests in the last 24 hours`);
    await expect(section.locator('canvas')).toHaveCount(4);
  });
});
