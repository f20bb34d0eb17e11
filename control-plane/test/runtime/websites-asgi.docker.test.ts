import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { userDirs } from '../../src/domain/layout.js';
import { writeAsUser } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { asToken } from '../helpers/test-app.js';
import { FASTAPI, ASGI } from '../helpers/website-apps.js';
import { createRouterFixture, type RouterFixture } from '../ingress/router-fixture.js';

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
    writeAsUser(home('fast', 'main.py'), FASTAPI('fast one'), f.uid);
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

  it('serves a minimal ASGI app under `daphne -u $DOMAIN_SOCKET proj.asgi:application`', async () => {
    const domain = domainOf('daph');
    writeAsUser(home('daph', 'proj', '__init__.py'), '', f.uid);
    writeAsUser(home('daph', 'proj', 'asgi.py'), ASGI('hello from daphne'), f.uid);
    await create(domain, 'cd ~/daph && exec daphne -u $DOMAIN_SOCKET proj.asgi:application');
    await eventually(async () => expect(await f.request(domain)).toMatchObject({ status: 200, body: 'hello from daphne' }));
  }, 90_000);
});
