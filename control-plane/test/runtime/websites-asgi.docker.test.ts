import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { userDirs } from '../../src/domain/layout.js';
import { writeAsUser } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { asToken } from '../helpers/test-app.js';
import { createRouterFixture, underLoad, type RouterFixture } from '../ingress/router-fixture.js';

const FASTAPI_APP = (says: string) => `from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import PlainTextResponse

app = FastAPI()

@app.get('/', response_class=PlainTextResponse)
async def index():
    return ${JSON.stringify(says)}

@app.websocket('/ws')
async def echo(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            await websocket.send_text('echo: ' + await websocket.receive_text())
    except WebSocketDisconnect:
        pass
`;

const ASGI_APP = `async def application(scope, receive, send):
    if scope['type'] != 'http':
        return
    body = b'hello from daphne'
    await send({'type': 'http.response.start', 'status': 200,
                'headers': [(b'content-type', b'text/plain'), (b'content-length', str(len(body)).encode())]})
    await send({'type': 'http.response.body', 'body': body})
`;

/** ASGI websites (docs/websites.md) from the runtime image's Debian packages, through the real router. */
describe('ASGI websites through the router', () => {
  let f: RouterFixture;
  const api = (rest = '') => `/api/v1/user/${f.user.username}/websites/${rest}`;
  const home = (...p: string[]) => path.join(userDirs(f.t.dataDir, f.user.username).home, ...p);
  const domainOf = (name: string) => `${name}.${f.user.username}.localhost`;

  async function create(domain: string, command: string) {
    const res = await f.t.app.inject({ method: 'POST', url: api(), headers: asToken(f.user.token), payload: { domain_name: domain, enabled: true, webapp: { command } } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json(), res.body).toMatchObject({ state: 'running', last_error: null });
  }

  beforeAll(async () => {
    f = await createRouterFixture({ PYHOST_LIMIT_WEBAPPS: '10', PYHOST_RELOAD_TIMEOUT_SECONDS: '15' });
    writeAsUser(home('fast', 'main.py'), FASTAPI_APP('fast one'), f.uid);
    await create(domainOf('fast'), 'cd ~/fast && exec uvicorn --uds $DOMAIN_SOCKET main:app');
  }, 90_000);
  afterAll(async () => {
    await f?.close();
  });

  it('serves FastAPI under `uvicorn --uds $DOMAIN_SOCKET main:app`', async () => {
    await eventually(async () => expect(await f.request(domainOf('fast'))).toMatchObject({ status: 200, body: 'fast one' }));
  });

  it('echoes WebSocket messages from the FastAPI app through the router', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${f.router.port}/ws`, { headers: { host: domainOf('fast') } });
    const replies: string[] = [];
    ws.on('message', (data: Buffer) => replies.push(data.toString('utf8')));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake answered ${res.statusCode}`)));
    });
    for (const [i, message] of ['hello', 'through the router'].entries()) {
      ws.send(message);
      await eventually(() => expect(replies[i]).toBe(`echo: ${message}`), { timeoutMs: 5000 });
    }
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.close();
    await closed;
    expect(replies).toEqual(['echo: hello', 'echo: through the router']);
  });

  it('reloads the uvicorn website to new code under 20 concurrent clients with no failed request', async () => {
    const domain = domainOf('fast');
    writeAsUser(home('fast', 'main.py'), FASTAPI_APP('fast two'), f.uid);
    const { result: reload, bodies, failures } = await underLoad(f, domain, () =>
      f.t.app.inject({ method: 'POST', url: api(`${domain}/reload/`), headers: asToken(f.user.token) }), 'fast two');
    expect(reload.statusCode, reload.body).toBe(200);
    expect(failures).toEqual([]);
    expect(bodies).toContain('fast one');
    expect(bodies.at(-1)).toBe('fast two');
  }, 90_000);

  it('serves a minimal ASGI app under `daphne -u $DOMAIN_SOCKET proj.asgi:application`', async () => {
    const domain = domainOf('daph');
    writeAsUser(home('daph', 'proj', '__init__.py'), '', f.uid);
    writeAsUser(home('daph', 'proj', 'asgi.py'), ASGI_APP, f.uid);
    await create(domain, 'cd ~/daph && exec daphne -u $DOMAIN_SOCKET proj.asgi:application');
    await eventually(async () => expect(await f.request(domain)).toMatchObject({ status: 200, body: 'hello from daphne' }));
  }, 90_000);
});
