import { expect } from '@playwright/test';
import type { TestUser } from './fixtures.js';

// Setting up what a test is not about, through the same API scripts use.

export async function writeFile(user: TestUser, visiblePath: string, content: string): Promise<void> {
  const res = await user.api.post(`/api/v0/user/${user.username}/files/path${visiblePath}`, {
    multipart: { content: { name: 'upload', mimeType: 'application/octet-stream', buffer: Buffer.from(content) } },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
}

/** Creates the user's <username>.localhost app and waits until it runs. */
export async function createWebapp(user: TestUser): Promise<string> {
  const res = await user.api.post(`/api/v0/user/${user.username}/webapps/`, { data: {} });
  expect(res.status(), await res.text()).toBe(201);
  const domain = (await res.json()).domain_name as string;
  await expect
    .poll(async () => (await (await user.api.get(`/api/v0/user/${user.username}/webapps/${domain}/`)).json()).state, { timeout: 60_000 })
    .toBe('running');
  return domain;
}

export const wsgiPath = (domain: string) => `/var/www/${domain.replace(/\./g, '_')}_wsgi.py`;
