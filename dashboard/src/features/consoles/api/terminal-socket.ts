// The browser's end of a console: a WebSocket to
// /api/v0/user/{u}/consoles/{id}/ws/ (see control-plane/src/routes/console-socket.ts).
// Binary frames are terminal output, text frames JSON events. A dropped
// connection is retried with backoff; each new connection starts with the
// server's replay of recent output, so the terminal is reset first. A close
// with 1008 ("policy violation") means this viewer may no longer see the
// console (signed out, account disabled, no longer the owner's teacher):
// asking again would only be refused, so it is shown and not retried.

export type TerminalStatus = 'connecting' | 'open' | 'reconnecting' | 'ended' | 'revoked' | 'failed';

/** The server's close code for "your access ended" (see control-plane/src/routes/console-socket.ts). */
export const ACCESS_ENDED = 1008;

export interface TerminalHandlers {
  /** A connection opened: the replay of recent output follows. */
  onReset(): void;
  onOutput(data: Uint8Array): void;
  onStatus(status: TerminalStatus, detail?: string): void;
}

export interface TerminalConnection {
  send(data: string): void;
  resize(cols: number, rows: number): void;
  /** Closes this tab's connection; the console keeps running. */
  close(): void;
}

const MAX_ATTEMPTS_WITHOUT_OPEN = 6;

export function socketUrl(path: string, location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

export function connectTerminal(path: string, handlers: TerminalHandlers, size: () => { cols: number; rows: number }): TerminalConnection {
  let socket: WebSocket | null = null;
  let closedByUs = false;
  let ended = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const sendJson = (msg: object) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
  };

  const open = () => {
    handlers.onStatus(failures === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(socketUrl(path));
    ws.binaryType = 'arraybuffer';
    socket = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      failures = 0;
      handlers.onReset();
      handlers.onStatus('open');
      const { cols, rows } = size();
      sendJson({ type: 'resize', cols, rows });
    };
    ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
      if (typeof e.data !== 'string') return handlers.onOutput(new Uint8Array(e.data));
      const event = JSON.parse(e.data) as { type: string; code?: number | null; reason?: string };
      if (event.type === 'exit') {
        ended = true;
        handlers.onStatus('ended', event.reason ?? 'the console ended');
      }
    };
    ws.onclose = (e?: CloseEvent) => {
      if (socket === ws) socket = null;
      if (closedByUs || ended) return;
      if (e?.code === ACCESS_ENDED) {
        ended = true;
        handlers.onStatus('revoked', e.reason || 'you are no longer allowed to see it');
        return;
      }
      if (!opened) failures++;
      if (failures >= MAX_ATTEMPTS_WITHOUT_OPEN) {
        handlers.onStatus('failed', 'could not connect to this console');
        return;
      }
      handlers.onStatus('reconnecting');
      // 0.5 s, 1 s, 2 s… up to 5 s between attempts.
      timer = setTimeout(open, Math.min(500 * 2 ** failures, 5000));
    };
  };
  open();

  return {
    send: (data) => sendJson({ type: 'input', data }),
    resize: (cols, rows) => sendJson({ type: 'resize', cols, rows }),
    close: () => {
      closedByUs = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    },
  };
}
