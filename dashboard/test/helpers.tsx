import type { ReactElement } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { render } from '@testing-library/react';
import { vi } from 'vitest';

export interface Call {
  method: string;
  url: string;
  body: unknown;
}

type Reply = { status?: number; json?: unknown; text?: string; delayMs?: number };
type Handler = Reply | ((call: Call) => Reply | Promise<Reply>);

/**
 * Answers fetch() like the Pyhost API would, by "METHOD /path" (query
 * ignored). Unknown requests fail the test loudly with a 599.
 */
export function mockApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    let body: unknown = init?.body;
    if (typeof body === 'string') body = JSON.parse(body);
    const call = { method, url, body };
    calls.push(call);
    const handler = routes[`${method} ${url.split('?')[0]}`];
    if (!handler) return new Response(JSON.stringify({ error: 'test', detail: `no mock for ${method} ${url}` }), { status: 599 });
    const reply = typeof handler === 'function' ? await handler(call) : handler;
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    const status = reply.status ?? 200;
    if (status === 204) return new Response(null, { status });
    const text = reply.text ?? JSON.stringify(reply.json ?? {});
    return new Response(text, { status, headers: { 'Content-Type': reply.text !== undefined ? 'application/octet-stream' : 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

/** Renders inside the providers the app uses (TanStack Query, a data router at `path`). */
export function renderPage(ui: ReactElement, { path = '/' }: { path?: string } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const router = createMemoryRouter([{ path: '*', element: ui }], { initialEntries: [path] });
  return { client, router, ...render(<QueryClientProvider client={client}><RouterProvider router={router} /></QueryClientProvider>) };
}

export const sampleWebapp = (over: Record<string, unknown> = {}) => ({
  id: 1,
  user: 'alice',
  domain_name: 'alice.localhost',
  python_version: '3.11',
  source_directory: '/home/alice',
  working_directory: '/home/alice',
  virtualenv_path: null,
  expiry: null,
  force_https: false,
  hsts_enabled: false,
  password_protection_enabled: false,
  password_protection_username: null,
  password_protection_password: null,
  server: 'uwsgi',
  workers: 1,
  env: {},
  auto_reload: false,
  enabled: true,
  state: 'running',
  url: 'http://alice.localhost:8080/',
  last_reload: null,
  settings_warning: null,
  sleeping_since: null,
  keep_awake: false,
  sleep_after_seconds: 0,
  ...over,
});
