import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { WebSocket } from 'ws';
import { assertSameOrigin } from '../plugins/authentication.js';
import { ConsoleParams } from '../schemas/consoles.js';
import type { Viewer } from '../services/consoles/console-session.js';
import { audit, endWhenAccessEnds, ownerOf } from './context.js';

// The browser's terminal: a WebSocket per open console tab.
//
// Server → browser: binary frames are raw terminal output (first the
// scrollback replay, then live output); text frames are JSON events:
// {"type":"exit","code":0|null,"reason":"…"} just before the server closes.
// Browser → server: text frames {"type":"input","data":"ls\r"} and
// {"type":"resize","cols":120,"rows":40}; a binary frame is raw input.
//
// Closing the socket never ends the console: reopening replays its output.

const PING_EVERY_MS = 30_000;
const MAX_DIMENSION = 1000;

type ClientMessage = { type: 'input'; data: string } | { type: 'resize'; cols: number; rows: number };

function parseMessage(text: string): ClientMessage | null {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as Record<string, unknown>;
  if (m.type === 'input' && typeof m.data === 'string') return { type: 'input', data: m.data };
  const dim = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_DIMENSION;
  if (m.type === 'resize' && dim(m.cols) && dim(m.rows)) return { type: 'resize', cols: m.cols, rows: m.rows };
  return null;
}

function viewerFor(socket: WebSocket): Viewer {
  return {
    send: (chunk) => {
      if (socket.readyState === socket.OPEN) socket.send(chunk, { binary: true });
    },
    exited: (exit) => {
      if (socket.readyState !== socket.OPEN) return;
      socket.send(JSON.stringify({ type: 'exit', code: exit.code, reason: exit.reason }));
      socket.close(1000, 'console ended');
    },
    backlog: () => socket.bufferedAmount,
    // 1013 "try again later": the browser reconnects and gets the replay.
    close: (reason) => socket.close(1013, reason.slice(0, 120)),
  };
}

const consoleSocketRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const consoles = app.services.consoles;

  app.route({
    method: 'GET',
    url: '/consoles/:id/ws/',
    schema: { tags: ['consoles'], summary: 'The terminal stream (WebSocket; session cookie or token)', params: ConsoleParams },
    // Runs after the owner is resolved (routes/v0.ts): a stranger's console
    // is a 404 before any upgrade; a page on another site gets a 403.
    preHandler: async (request) => {
      assertSameOrigin(request);
      consoles.get(ownerOf(request), request.params.id);
    },
    handler: async (_request, reply) =>
      reply.status(426).header('Upgrade', 'websocket').send({ error: 'Upgrade Required', detail: 'this is a WebSocket endpoint: connect with a WebSocket client' }),
    wsHandler: (socket, request) => {
      const log = request.log.child({ console: request.params.id });
      const viewer = viewerFor(socket);
      const attached = consoles.attach(ownerOf(request), request.params.id, viewer);
      if (!attached) {
        viewer.exited({ code: null, reason: 'this console is not running', at: Date.now() });
        return;
      }
      const { session, detach } = attached;
      audit(request, 101);
      // 1008 "policy violation": signed out, so the browser must not reconnect.
      const forget = endWhenAccessEnds(request, (reason) => socket.close(1008, reason.slice(0, 120)));
      let alive = true;
      const ping = setInterval(() => {
        if (!alive) return socket.terminate(); // no pong since the last ping: the peer is gone
        alive = false;
        socket.ping();
      }, PING_EVERY_MS);
      socket.on('pong', () => {
        alive = true;
      });
      // Messages are handled strictly in order: keys typed after a resize
      // reach the program after the terminal has its new size.
      let queue = Promise.resolve();
      const handle = async (data: Buffer, isBinary: boolean): Promise<void> => {
        try {
          if (isBinary) return session.write(data);
          const msg = parseMessage(data.toString('utf8'));
          if (!msg) return socket.close(1003, 'expected {"type":"input","data":…} or {"type":"resize","cols":…,"rows":…}');
          if (msg.type === 'input') session.write(msg.data);
          else await session.resize(msg.cols, msg.rows).catch((err: unknown) => log.warn({ err }, 'resize failed'));
        } catch (err) {
          socket.close(1009, err instanceof RangeError ? err.message : 'input refused');
        }
      };
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        queue = queue.then(() => handle(data, isBinary));
      });
      socket.on('close', () => {
        clearInterval(ping);
        forget();
        detach();
      });
    },
  });
};

export default consoleSocketRoutes;
