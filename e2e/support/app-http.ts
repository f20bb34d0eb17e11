import http from 'node:http';
import { expect } from '@playwright/test';
import type { TestUser } from './fixtures.js';

// Requests to a web app through the router, from Node. Browsers resolve
// *.localhost to loopback by themselves; Node's resolver may not, so these
// go to 127.0.0.1 with the app's Host header, as a browser would send it.

export interface AppResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function appGet(user: TestUser, urlPath: string, headers: Record<string, string> = {}): Promise<AppResponse> {
  const url = new URL(urlPath, user.appUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: url.port, path: url.pathname + url.search, headers: { host: url.host, ...headers }, timeout: 20_000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Polls the app until `check` passes: the router learns of changes within a second, apps take a moment to start. */
export async function eventuallyApp(user: TestUser, urlPath: string, check: (res: AppResponse) => void, headers: Record<string, string> = {}): Promise<AppResponse> {
  let last: AppResponse | null = null;
  await expect
    .poll(
      async () => {
        try {
          last = await appGet(user, urlPath, headers);
          check(last);
          return true;
        } catch {
          return false;
        }
      },
      { timeout: 30_000, intervals: [250, 500, 1000] },
    )
    .toBe(true)
    .catch((err: unknown) => {
      throw new Error(`${urlPath} never passed the check; last answer: ${JSON.stringify(last)?.slice(0, 500)}`, { cause: err });
    });
  return last!;
}

/** The user as seen at another of their domains (a website's): appGet and eventuallyApp go there. */
export function atDomain(user: TestUser, domain: string): TestUser {
  return { ...user, appUrl: `http://${domain}:${new URL(user.appUrl).port}/` };
}

export function basicAuth(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}
