// Driving consoles in tests: through the PythonAnywhere-shaped API (inject),
// and through the browser's WebSocket on a listening server.
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { App } from '../../src/app.js';
import { asToken, type TestUser } from './test-app.js';
import { eventually } from './eventually.js';

export const consolesUrl = (user: TestUser, rest = '') => `/api/v0/user/${user.username}/consoles/${rest}`;

export interface ConsoleJson {
  id: number;
  state: 'running' | 'exited' | 'stopped';
  exit_code: number | null;
  exit_reason: string | null;
  [key: string]: unknown;
}

export async function startConsole(app: App, user: TestUser, body: object = {}): Promise<ConsoleJson> {
  const res = await app.inject({ method: 'POST', url: consolesUrl(user), headers: asToken(user.token), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function getConsole(app: App, user: TestUser, id: number): Promise<ConsoleJson> {
  const res = await app.inject({ url: consolesUrl(user, `${id}/`), headers: asToken(user.token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

export async function sendInput(app: App, user: TestUser, id: number, input: string): Promise<void> {
  const res = await app.inject({ method: 'POST', url: consolesUrl(user, `${id}/send_input/`), headers: asToken(user.token), payload: { input } });
  expect(res.statusCode, res.body).toBe(200);
}

export async function latestOutput(app: App, user: TestUser, id: number): Promise<string> {
  const res = await app.inject({ url: consolesUrl(user, `${id}/get_latest_output/`), headers: asToken(user.token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ output: string }>().output;
}

/**
 * Runs a command and waits for a marker it prints. The marker is computed by
 * the shell (`$((…))`), so the echoed command line itself never matches.
 */
export async function run(app: App, user: TestUser, id: number, command: string, timeoutMs = 20_000): Promise<string> {
  const n = Math.floor(Math.random() * 1e6);
  await sendInput(app, user, id, `${command}; echo "done-$((${n}+1))"\n`);
  return eventually(
    async () => {
      const out = await latestOutput(app, user, id);
      const end = out.lastIndexOf(`done-${n + 1}`);
      if (end < 0) throw new Error(`no marker yet; output ends: ${JSON.stringify(out.slice(-200))}`);
      return out.slice(0, end);
    },
    { timeoutMs, intervalMs: 150, what: `command ${JSON.stringify(command)}` },
  );
}

export async function waitForConsoleState(app: App, user: TestUser, id: number, state: ConsoleJson['state'], timeoutMs = 15_000) {
  return eventually(
    async () => {
      const c = await getConsole(app, user, id);
      if (c.state !== state) throw new Error(`state is ${c.state}`);
      return c;
    },
    { timeoutMs, what: `console ${id} ${state}` },
  );
}

/** A browser-like terminal connection. */
export interface Terminal {
  socket: WebSocket;
  /** All output received so far (replay included), decoded. */
  text(): string;
  events: { type: string; code?: number | null; reason?: string }[];
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  type(data: string): void;
  resize(cols: number, rows: number): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  cookie?: string;
  token?: string;
  origin?: string;
  /** The Host header, when it differs from the URL's (the router routes by it). */
  host?: string;
}

/** Resolves once the upgrade succeeded; rejects with the HTTP status when it was refused. */
export function openTerminal(baseUrl: string, user: TestUser, id: number, options: ConnectOptions = {}): Promise<Terminal> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.token) headers.authorization = `Token ${options.token}`;
  if (options.origin) headers.origin = options.origin;
  if (options.host) headers.host = options.host;
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/v0/user/${user.username}/consoles/${id}/ws/`;
  const socket = new WebSocket(url, { headers });
  const chunks: Buffer[] = [];
  const events: Terminal['events'] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) chunks.push(data);
    else events.push(JSON.parse(data.toString()));
  });
  const text = () => Buffer.concat(chunks).toString('utf8');
  const terminal: Terminal = {
    socket,
    text,
    events,
    closed,
    waitFor: (pattern, timeoutMs = 20_000) =>
      eventually(
        () => {
          const t = text();
          const ok = typeof pattern === 'string' ? t.includes(pattern) : pattern.test(t);
          if (!ok) throw new Error(`not yet; output ends ${JSON.stringify(t.slice(-200))}`);
        },
        { timeoutMs, intervalMs: 50, what: `terminal output ${String(pattern)}` },
      ),
    type: (data) => socket.send(JSON.stringify({ type: 'input', data })),
    resize: (cols, rows) => socket.send(JSON.stringify({ type: 'resize', cols, rows })),
    close: async () => {
      socket.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(terminal));
    socket.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`handshake refused with HTTP ${res.statusCode}`), { status: res.statusCode }));
      socket.terminate();
    });
    socket.once('error', (err) => reject(err));
  });
}
