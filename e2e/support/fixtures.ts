import fs from 'node:fs';
import path from 'node:path';
import { test as base, expect, request as playwrightRequest, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { uniqueUsername } from './names.js';

// cal.com-style fixtures: users are created through the API, with names
// unique to this run, and everything they made is removed after each test
// (LIFO), so tests never depend on each other.

export interface TestUser {
  username: string;
  password: string;
  /** Authenticated with the user's API token (no cookies, no CSRF). */
  api: APIRequestContext;
  /** The URL of the user's first web app, through the router. */
  appUrl: string;
}

interface Fixtures {
  /** http://localhost:<port>: the dashboard host. */
  dashboardUrl: string;
  /** Creates a user through the API; `page` is not logged in. */
  createUser(): Promise<TestUser>;
  /** A user created through the API and logged in in `page`. */
  user: TestUser;
  /** Registers a user made some other way (the sign-up form) for cleanup. */
  adoptUser(username: string, password: string): Promise<TestUser>;
  /** Saves a screenshot under e2e/screenshots/. */
  saveScreenshot(page: Page, name: string): Promise<void>;
  /** The instance's admin (PYHOST_ADMIN_* at start-up, see global-setup.ts). */
  admin: TestUser;
  /** A user made through the API whom the admin marked as a teacher. */
  createTeacher(): Promise<TestUser>;
  /**
   * A page in a browser context of its own (its own cookies: another person
   * at another computer), logged in as `username` unless no password is given.
   */
  newPerson(username?: string, password?: string): Promise<Page>;
}

export const SCREENSHOTS = path.resolve(import.meta.dirname, '..', 'screenshots');

function port(): number {
  const value = process.env.PYHOST_E2E_PORT;
  if (!value) throw new Error('PYHOST_E2E_PORT is not set: run the suite with `npx playwright test` so that global setup starts Pyhost');
  return Number(value);
}

/** Fails the test on CSP violations and uncaught errors in the page. */
function watchProblems(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
}

export async function withToken(dashboardUrl: string, username: string, password: string): Promise<TestUser> {
  const session = await playwrightRequest.newContext({ baseURL: dashboardUrl });
  const login = await session.post('/api/auth/login', { data: { username, password } });
  expect(login.status(), await login.text()).toBe(200);
  const csrf = (await login.json()).csrf_token as string;
  const created = await session.post('/api/auth/tokens', { data: { name: 'e2e' }, headers: { 'X-CSRF-Token': csrf } });
  expect(created.status()).toBe(201);
  const token = (await created.json()).token as string;
  await session.dispose();
  const api = await playwrightRequest.newContext({ baseURL: dashboardUrl, extraHTTPHeaders: { Authorization: `Token ${token}` } });
  return { username, password, api, appUrl: `http://${username}.localhost:${port()}/` };
}

/** Deletes the user's web apps and websites (which stops their containers); their files go with the run's data dir. */
async function cleanUp(user: TestUser): Promise<void> {
  for (const base of [`/api/v0/user/${user.username}/webapps/`, `/api/v1/user/${user.username}/websites/`]) {
    const list = await user.api.get(base);
    if (!list.ok()) continue;
    for (const site of (await list.json()) as { domain_name: string }[]) await user.api.delete(`${base}${site.domain_name}/`);
  }
  await user.api.dispose();
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here
  dashboardUrl: async ({}, use) => use(`http://localhost:${port()}`),
  baseURL: async ({ dashboardUrl }, use) => use(dashboardUrl),

  // Every test fails if the page breaks its Content-Security-Policy or throws.
  page: async ({ page }, use) => {
    const problems: string[] = [];
    watchProblems(page, problems);
    await use(page);
    expect(problems, 'CSP violations or uncaught errors in the page').toEqual([]);
  },

  createUser: async ({ dashboardUrl }, use) => {
    const made: TestUser[] = [];
    await use(async () => {
      const username = uniqueUsername();
      const password = `pw-${username}-e2e`;
      const anon = await playwrightRequest.newContext({ baseURL: dashboardUrl });
      const res = await anon.post('/api/auth/signup', { data: { username, password } });
      expect(res.status(), await res.text()).toBe(201);
      await anon.dispose();
      const user = await withToken(dashboardUrl, username, password);
      made.push(user);
      return user;
    });
    for (const user of made.reverse()) await cleanUp(user);
  },

  adoptUser: async ({ dashboardUrl }, use) => {
    const adopted: TestUser[] = [];
    await use(async (username, password) => {
      const user = await withToken(dashboardUrl, username, password);
      adopted.push(user);
      return user;
    });
    for (const user of adopted.reverse()) await cleanUp(user);
  },

  user: async ({ createUser, page }, use) => {
    const user = await createUser();
    // page.request shares the browser context's cookies: this logs the page in.
    const res = await page.request.post('/api/auth/login', { data: { username: user.username, password: user.password } });
    expect(res.status()).toBe(200);
    await use(user);
  },

  admin: async ({ dashboardUrl }, use) => {
    const { PYHOST_E2E_ADMIN_USER: username, PYHOST_E2E_ADMIN_PASSWORD: password } = process.env;
    if (!username || !password) throw new Error('PYHOST_E2E_ADMIN_USER is not set: run the suite with `npx playwright test` so that global setup starts Pyhost');
    const admin = await withToken(dashboardUrl, username, password);
    await use(admin);
    await admin.api.dispose();
  },

  createTeacher: async ({ createUser, admin }, use) => {
    await use(async () => {
      const user = await createUser();
      const res = await admin.api.patch(`/api/admin/users/${user.username}`, { data: { is_teacher: true } });
      expect(res.status(), await res.text()).toBe(200);
      return user;
    });
  },

  newPerson: async ({ browser, dashboardUrl }, use) => {
    const contexts: BrowserContext[] = [];
    const problems: string[] = [];
    await use(async (username, password) => {
      const context = await browser.newContext({ baseURL: dashboardUrl });
      contexts.push(context);
      const page = await context.newPage();
      watchProblems(page, problems);
      if (username && password) {
        const res = await page.request.post('/api/auth/login', { data: { username, password } });
        expect(res.status(), await res.text()).toBe(200);
      }
      return page;
    });
    for (const context of contexts.reverse()) await context.close();
    expect(problems, 'CSP violations or uncaught errors in the page').toEqual([]);
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here
  saveScreenshot: async ({}, use) => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await use(async (page, name) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    });
  },
});

export { expect };
