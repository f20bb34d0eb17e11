import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectTerminal, socketUrl, type TerminalStatus } from '@/features/consoles/api/terminal-socket';
import { ConsolesOverview } from '@/features/consoles/components/consoles-overview';
import { mockApi, renderPage } from './helpers';

/** A stand-in for the browser's WebSocket that the test drives. */
class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: ArrayBuffer | string }) => void) | null = null;
  onclose: ((e?: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const sample = (over: Record<string, unknown> = {}) => ({
  id: 7,
  user: 'alice',
  executable: 'bash',
  arguments: '',
  working_directory: null,
  name: 'Bash console 7',
  console_url: '/consoles/7/',
  state: 'running',
  exit_code: null,
  exit_reason: null,
  created_at: '2026-11-25T10:00:00Z',
  websocket_url: '/api/v0/user/alice/consoles/7/ws/',
  ...over,
});

describe('the terminal connection', () => {
  afterEach(() => {
    FakeSocket.all = [];
    vi.useRealTimers();
  });

  function connect() {
    vi.stubGlobal('WebSocket', FakeSocket);
    const statuses: (TerminalStatus | string)[] = [];
    const output: string[] = [];
    let resets = 0;
    const conn = connectTerminal(
      '/api/v0/user/alice/consoles/7/ws/',
      {
        onReset: () => void resets++,
        onOutput: (d) => void output.push(new TextDecoder().decode(d)),
        onStatus: (s, detail) => void statuses.push(detail ? `${s}: ${detail}` : s),
      },
      () => ({ cols: 100, rows: 30 }),
    );
    return { conn, statuses, output, resets: () => resets };
  }

  it('uses ws: or wss: like the page', () => {
    expect(socketUrl('/x/ws/', { protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/x/ws/');
    expect(socketUrl('/x/ws/', { protocol: 'https:', host: 'pyhost.example' })).toBe('wss://pyhost.example/x/ws/');
  });

  it('sends its size on open, then keystrokes and resizes as JSON', () => {
    const { conn } = connect();
    const ws = FakeSocket.all[0]!;
    ws.open();
    conn.send('ls\r');
    conn.resize(120, 40);
    expect(ws.sent.map((s) => JSON.parse(s))).toEqual([
      { type: 'resize', cols: 100, rows: 30 },
      { type: 'input', data: 'ls\r' },
      { type: 'resize', cols: 120, rows: 40 },
    ]);
  });

  it('reconnects after a drop and resets the screen for the replay', () => {
    vi.useFakeTimers();
    const { statuses, output, resets } = connect();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.onmessage?.({ data: new TextEncoder().encode('hello').buffer });
    FakeSocket.all[0]!.drop();
    expect(statuses.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.open();
    expect(resets()).toBe(2);
    expect(output).toEqual(['hello']);
    expect(statuses.at(-1)).toBe('open');
  });

  it('stops when the console ends, and gives up after repeated failures', () => {
    vi.useFakeTimers();
    const ended = connect();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.onmessage?.({ data: JSON.stringify({ type: 'exit', code: 0, reason: 'the process exited with status 0' }) });
    FakeSocket.all[0]!.drop();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(ended.statuses.at(-1)).toBe('ended: the process exited with status 0');

    FakeSocket.all = [];
    const failing = connect();
    for (let i = 0; i < 10; i++) {
      FakeSocket.all.at(-1)!.drop();
      vi.advanceTimersByTime(10_000);
    }
    expect(failing.statuses.at(-1)).toBe('failed: could not connect to this console');
    expect(FakeSocket.all.length).toBeLessThanOrEqual(6);
  });

  it('stops for good when the server says the viewer\u2019s access ended (1008), and shows its reason', () => {
    vi.useFakeTimers();
    const { statuses } = connect();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop(1008, 'you are no longer this account\u2019s teacher');
    expect(statuses.at(-1)).toBe('revoked: you are no longer this account\u2019s teacher');
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('still reconnects after other closes, such as the server\u2019s "try again later" (1013)', () => {
    vi.useFakeTimers();
    const { statuses } = connect();
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.drop(1013, 'too much output waiting');
    expect(statuses.at(-1)).toBe('reconnecting');
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.all).toHaveLength(2);
  });
});

describe('the Consoles page', () => {
  it('starts a Bash console in a folder and opens it', async () => {
    const { calls } = mockApi({
      'GET /api/v0/user/alice/consoles/': { json: [] },
      'POST /api/v0/user/alice/consoles/': { status: 201, json: sample({ working_directory: '/home/alice/mysite' }) },
    });
    const { router } = renderPage(<ConsolesOverview username="alice" />, { path: '/consoles' });
    expect(await screen.findByText('No consoles yet: start one above.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Working directory (optional)'), '~/mysite');
    await userEvent.click(screen.getByRole('button', { name: 'Bash' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/consoles/7'));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ executable: 'bash', working_directory: '~/mysite' });
  });

  it('shows a folder that does not exist next to the field', async () => {
    mockApi({
      'GET /api/v0/user/alice/consoles/': { json: [] },
      'POST /api/v0/user/alice/consoles/': { status: 400, json: { error: 'Bad Request', detail: '/home/alice/nope does not exist', field: 'working_directory' } },
    });
    renderPage(<ConsolesOverview username="alice" />);
    await userEvent.type(screen.getByLabelText('Working directory (optional)'), '~/nope');
    await userEvent.click(screen.getByRole('button', { name: 'Python 3' }));
    expect(await screen.findByText('/home/alice/nope does not exist')).toBeInTheDocument();
    expect(screen.getByLabelText('Working directory (optional)')).toHaveAttribute('aria-invalid', 'true');
  });

  it('says when the account\'s limit of open consoles refuses a new one (409)', async () => {
    const detail = 'your account\'s limit is 2 consoles open at once (limit "consoles"); close one (or type exit in it) first, or ask an administrator to raise it';
    mockApi({
      'GET /api/v0/user/alice/consoles/': { json: [] },
      'POST /api/v0/user/alice/consoles/': { status: 409, json: { error: 'Conflict', detail } },
    });
    const { router } = renderPage(<ConsolesOverview username="alice" />, { path: '/consoles' });
    await userEvent.click(await screen.findByRole('button', { name: 'Bash' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('(limit "consoles"); close one');
    expect(router.state.location.pathname).toBe('/consoles');
  });

  it('lists consoles and kills one after confirming', async () => {
    let list = [sample(), sample({ id: 8, name: 'Python3 console 8', executable: 'python3', state: 'exited', exit_code: 0 })];
    const { calls } = mockApi({
      'GET /api/v0/user/alice/consoles/': () => ({ json: list }),
      'DELETE /api/v0/user/alice/consoles/7/': () => {
        list = list.filter((c) => c.id !== 7);
        return { status: 204 };
      },
    });
    renderPage(<ConsolesOverview username="alice" />);
    expect(await screen.findByRole('link', { name: 'Bash console 7' })).toHaveAttribute('href', '/consoles/7');
    expect(screen.getByText('ended (status 0)')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Kill Bash console 7' }));
    await userEvent.click(screen.getByRole('button', { name: 'Kill console' }));
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Bash console 7' })).toBeNull());
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
  });
});
