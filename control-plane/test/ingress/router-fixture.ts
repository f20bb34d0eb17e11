import http from 'node:http';
import { expect } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { startRouter, silentLog, type RunningRouter, type StartOptions } from '../../src/ingress/index.js';
import { asToken, type TestUser } from '../helpers/test-app.js';
import { createDockerTestApp, newUser, waitForState, writeAsUser, wsgiFile, type DockerTestApp } from '../helpers/docker-app.js';

// A production app on the real Docker Engine with a router in front of it,
// in this test process: the api listens on its unix socket, the router on a
// loopback port and reads the same SQLite file. Requests are sent with the
// Host header of the app they are for.

export interface RouterFixture {
  t: DockerTestApp;
  router: RunningRouter;
  user: TestUser;
  uid: number;
  /** An API call as the user (inject: no sockets involved). */
  api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object): Promise<{ statusCode: number; body: string; json: () => unknown }>;
  /** Creates a web app, puts `code` in its WSGI file (reloading it), and waits until it runs. */
  createApp(name: string, code?: string): Promise<string>;
  /** The api restarts on the same data directory (the router and the containers go on), and listens again. */
  restartApi(): Promise<void>;
  /** One request through the router, on a fresh connection. */
  request(host: string, path?: string, options?: RouterRequestOptions): Promise<RouterResponse>;
  close(): Promise<void>;
}

export interface RouterRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address (127.0.0.x): which client the router sees. */
  localAddress?: string;
}

export interface RouterResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export async function createRouterFixture(env: Record<string, string> = {}, routerOptions: StartOptions = {}): Promise<RouterFixture> {
  const t = await createDockerTestApp({ PYHOST_HOST: '127.0.0.1', ...env });
  const cleanups: (() => Promise<void>)[] = [() => t.close()];
  try {
    await t.app.listen({ path: t.config.apiSocket });
    const router = await startRouter(t.config, silentLog, { port: 0, accessLog: { flushMs: 20 }, ...routerOptions });
    cleanups.push(() => router.close());
    const { user, uid } = await newUser(t.app);
    const base = `/api/v0/user/${user.username}/webapps/`;

    const api: RouterFixture['api'] = async (method, path, payload) => {
      const res = await t.app.inject({ method, url: `${base}${path}`, headers: asToken(user.token), ...(payload ? { payload } : {}) });
      return { statusCode: res.statusCode, body: res.body, json: () => res.json() };
    };

    return {
      t,
      router,
      user,
      uid,
      api,
      async createApp(name, code) {
        const domain = `${name}.${user.username}.localhost`;
        const created = await api('POST', '', { domain_name: domain });
        expect(created.statusCode, created.body).toBe(201);
        await waitForState(t.app, user, domain, 'running');
        if (code !== undefined) {
          writeAsUser(wsgiFile(t, user, domain), code, uid);
          const reloaded = await api('POST', `${domain}/reload/`);
          expect(reloaded.statusCode, reloaded.body).toBe(200);
        }
        return domain;
      },
      async restartApi() {
        await t.restart();
        await t.app.listen({ path: t.config.apiSocket });
      },
      request: (host, path = '/', options = {}) => routerRequest(router.port, host, path, options),
      async close() {
        for (const cleanup of cleanups.reverse()) await cleanup();
      },
    };
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup();
    throw err;
  }
}

export function routerRequest(port: number, host: string, path: string, options: RouterRequestOptions = {}): Promise<RouterResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host, ...options.headers }, agent: false, localAddress: options.localAddress, timeout: 20_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from the router within 20 s for ${host}${path}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A WSGI app that answers with what it received, and echoes WebSocket messages (uWSGI's API). */
export const ECHO_APP = `import json

def application(environ, start_response):
    if environ.get('HTTP_UPGRADE', '').lower() == 'websocket':
        import uwsgi
        uwsgi.websocket_handshake()
        try:
            while True:
                uwsgi.websocket_send(b'echo: ' + uwsgi.websocket_recv())
        except IOError:
            return []
    body = environ['wsgi.input'].read()
    info = {k: v for k, v in environ.items() if k.startswith('HTTP_')}
    info.update(method=environ['REQUEST_METHOD'], path=environ.get('PATH_INFO'), query=environ.get('QUERY_STRING'), body=body.decode('latin1'))
    out = json.dumps(info).encode()
    start_response('200 OK', [('Content-Type', 'application/json'), ('Content-Length', str(len(out)))])
    return [out]
`;

export interface UnderLoad<T> {
  /** What `act` returned. */
  result: T;
  /** Every 200's body, in the order they came. */
  bodies: string[];
  /** Every other answer or error, as `<status> <start of body>`. */
  failures: string[];
}

/**
 * Runs `act` (a reload, say) while `clients` keep requesting `host` through
 * the router, and keeps the load on until `newBody` has been answered
 * `enough` times after it, so the switch is seen from both sides.
 */
export async function underLoad<T>(f: RouterFixture, host: string, act: () => Promise<T>, newBody: string, { clients = 20, enough = 100 } = {}): Promise<UnderLoad<T>> {
  let stop = false;
  const bodies: string[] = [];
  const failures: string[] = [];
  const client = async () => {
    while (!stop) {
      const res = await f.request(host).catch((err: Error) => ({ status: 0, body: err.message }));
      if (res.status === 200) bodies.push(res.body);
      else failures.push(`${res.status} ${res.body.slice(0, 80)}`);
    }
  };
  const running = Array.from({ length: clients }, client);
  try {
    const result = await act();
    await eventually(() => expect(bodies.filter((b) => b === newBody).length).toBeGreaterThanOrEqual(enough), { timeoutMs: 30_000 });
    return { result, bodies, failures };
  } finally {
    stop = true;
    await Promise.all(running);
  }
}
