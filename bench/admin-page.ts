// The Admin page with a big instance, run by hand (root and the Docker
// Engine, as for the e2e tests: `bash scripts/setup.sh` first):
//
//   npx tsx bench/admin-page.ts
//   USERS=2000 RUNS=5 npx tsx bench/admin-page.ts
//   PYHOST_E2E_SKIP_BUILD=1 npx tsx bench/admin-page.ts   # dist/ is fresh already
//
// Builds Pyhost, starts the real api and router (as the e2e tests do, with
// the tests' cheaper password hash: PYHOST_PASSWORD_HASH_COST=14), makes
// USERS (default 500) accounts with POST /api/admin/users/bulk (500 a request), then opens
// the Admin page in Debian's Chromium (playwright-core, never a downloaded
// browser) RUNS times and prints, as medians: the time from navigation start
// to the first frame whose table has every row (the first, cold-cache
// visit on its own), GET /api/admin/users alone, and how long a search
// keystroke and a sort take to show in the table.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { chromium, request, type Page } from 'playwright-core';
import { REPO_ROOT, startInstance } from '../e2e/support/instance.js';

const USERS = Number(process.env.USERS ?? 500);
const RUNS = Number(process.env.RUNS ?? 7);
const CHROMIUM = process.env.PYHOST_CHROMIUM ?? '/usr/bin/chromium';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

/**
 * Navigation start → the first animation frame in which the users table has
 * `rows` rows, and → the end of GET /api/admin/users's answer (what the page
 * waits for; the rest is loading the dashboard and rendering).
 */
async function timeToRows(page: Page, rows: number): Promise<{ rows: number; list: number }> {
  await page.goto('/admin', { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    (n) => (document.querySelectorAll('table.users-table tbody tr').length >= n ? performance.now() : null),
    rows,
    { polling: 'raf', timeout: 120_000 },
  );
  const list = await page.evaluate(() => performance.getEntriesByType('resource').find((e): e is PerformanceResourceTiming => e.name.endsWith('/api/admin/users'))?.responseEnd ?? NaN);
  return { rows: (await handle.jsonValue()) as number, list };
}

/** From just before `act` to the first frame whose table has `rows` rows, measured in the page. */
async function timeUntil(page: Page, act: () => Promise<void>, rows: number, firstRow?: string): Promise<number> {
  await page.evaluate(() => ((window as unknown as { t0: number }).t0 = performance.now()));
  const done = page.waitForFunction(
    ({ n, first }) => {
      const trs = document.querySelectorAll('table.users-table tbody tr');
      const ok = trs.length === n && (!first || trs[0]?.querySelector('th')?.textContent === first);
      return ok ? performance.now() - (window as unknown as { t0: number }).t0 : null;
    },
    { n: rows, first: firstRow },
    { polling: 'raf', timeout: 60_000 },
  );
  await act();
  return (await (await done).jsonValue()) as number;
}

async function main(): Promise<void> {
  if (!process.env.PYHOST_E2E_SKIP_BUILD) execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const admin = { username: 'benchadmin', password: crypto.randomBytes(12).toString('base64url') };
  const instance = await startInstance({ PYHOST_ADMIN_USER: admin.username, PYHOST_ADMIN_PASSWORD: admin.password, PYHOST_SIGNUP: 'closed' });
  const baseURL = `http://localhost:${instance.port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const api = await request.newContext({ baseURL });
    const login = await api.post('/api/auth/login', { data: admin });
    if (login.status() !== 200) throw new Error(`login: ${await login.text()}`);
    const csrf = { 'X-CSRF-Token': (await login.json()).csrf_token as string };

    // The API takes at most 500 accounts a request.
    const names = Array.from({ length: USERS }, (_, i) => `bench${String(i).padStart(4, '0')}`);
    const bulkMs: number[] = [];
    for (let i = 0; i < names.length; i += 500) {
      const t0 = performance.now();
      const bulk = await api.post('/api/admin/users/bulk', { data: { text: names.slice(i, i + 500).join('\n') }, headers: csrf, timeout: 600_000 });
      bulkMs.push(performance.now() - t0);
      if (bulk.status() !== 201) throw new Error(`bulk create: ${bulk.status()} ${await bulk.text()}`);
    }
    const rows = USERS + 1; // and the admin

    const listMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t1 = performance.now();
      const res = await api.get('/api/admin/users');
      await res.body();
      listMs.push(performance.now() - t1);
    }

    const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
    const browserLogin = await context.request.post('/api/auth/login', { data: admin });
    if (browserLogin.status() !== 200) throw new Error('browser login failed');
    const page = await context.newPage();
    const renders: number[] = [];
    const listed: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = await timeToRows(page, rows);
      renders.push(t.rows);
      listed.push(t.list);
    }

    // One keystroke that leaves ten rows (bench0010…bench0019), then back; a sort by name, descending.
    const search = page.getByLabel('Search accounts');
    const searches: number[] = [];
    const sorts: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await search.fill('bench001');
      searches.push(await timeUntil(page, () => search.press('0'), 1, 'bench0010'));
      await search.fill('');
      await page.locator('table.users-table tbody tr').nth(rows - 1).waitFor();
      const header = page.getByRole('button', { name: 'Username' });
      const descending = (await page.getByRole('columnheader', { name: 'Username' }).getAttribute('aria-sort')) === 'ascending';
      const byName = [...names, admin.username].sort();
      // A click in the page: the app's time, not Playwright's actionability checks.
      sorts.push(await timeUntil(page, () => header.evaluate((b) => (b as HTMLButtonElement).click()), rows, descending ? byName[byName.length - 1] : byName[0]));
    }
    await api.dispose();

    console.log(`\n${USERS} accounts made in ${bulkMs.length} POST /api/admin/users/bulk in ${fmt(bulkMs.reduce((a, b) => a + b, 0))} (PYHOST_PASSWORD_HASH_COST=14)\n`);
    console.log(`| Admin page, ${rows} accounts (Chromium, medians of ${RUNS}) | time |`);
    console.log('| --- | --- |');
    console.log(`| navigation start → table with every row, first visit | ${fmt(renders[0]!)} |`);
    console.log(`| navigation start → table with every row | ${fmt(median(renders))} |`);
    console.log(`| navigation start → GET /api/admin/users answered, in the page | ${fmt(median(listed))} |`);
    console.log(`| GET /api/admin/users (from Node) | ${fmt(median(listMs))} |`);
    console.log(`| a search keystroke → filtered table | ${fmt(median(searches))} |`);
    console.log(`| a sort by username → sorted table | ${fmt(median(sorts))} |`);
  } finally {
    await browser.close();
    await instance.stop();
  }
}

await main();
