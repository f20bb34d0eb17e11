import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { writeAsUser } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { asToken } from '../helpers/test-app.js';
import { ASGI, ASYNCIO, FASTAPI, WSGI } from '../helpers/website-apps.js';
import { createRouterFixture, underLoad, type RouterFixture } from './router-fixture.js';

// Each server command docs/websites.md names, through the real router: it
// serves, reloads to new code under 20 concurrent clients without one
// failed request, and broken code never replaces it.

interface Example {
  name: string;
  file: string;
  source: (says: string) => string;
  command: string;
}

const EXAMPLES: Example[] = [
  { name: 'uvicorn', file: 'main.py', source: FASTAPI, command: 'cd ~/uvicorn && uvicorn --uds $DOMAIN_SOCKET main:app' },
  { name: 'gunicorn', file: 'app.py', source: WSGI, command: 'cd ~/gunicorn && gunicorn --bind unix:$DOMAIN_SOCKET app:app' },
  { name: 'daphne', file: 'proj/asgi.py', source: ASGI, command: 'cd ~/daphne && daphne -u $DOMAIN_SOCKET proj.asgi:application' },
  { name: 'asyncio', file: 'serve.py', source: ASYNCIO, command: 'python3 ~/asyncio/serve.py' },
];

describe('every example server command, through the router', () => {
  let f: RouterFixture;
  const api = (rest = '') => `/api/v1/user/${f.user.username}/websites/${rest}`;
  const home = (...p: string[]) => path.join(userDirs(f.t.dataDir, f.user.username).home, ...p);
  const domainOf = (e: Example) => `${e.name}.${f.user.username}.localhost`;
  const reload = (e: Example) => f.t.app.inject({ method: 'POST', url: api(`${domainOf(e)}/reload/`), headers: asToken(f.user.token) });

  beforeAll(async () => {
    f = await createRouterFixture({ PYHOST_LIMIT_WEBAPPS: '10', PYHOST_RELOAD_TIMEOUT_SECONDS: '15' });
    writeAsUser(home('daphne', 'proj', '__init__.py'), '', f.uid);
  }, 90_000);
  afterAll(async () => {
    await f?.close();
  });

  it.each(EXAMPLES)('$name: serves, reloads under 20 clients with 0 failed, keeps serving over broken code', async (e) => {
    const domain = domainOf(e);
    writeAsUser(home(e.name, e.file), e.source(`${e.name} one`), f.uid);
    const created = await f.t.app.inject({ method: 'POST', url: api(), headers: asToken(f.user.token), payload: { domain_name: domain, enabled: true, webapp: { command: e.command } } });
    expect(created.statusCode, created.body).toBe(201);
    await eventually(async () => expect(await f.request(domain)).toMatchObject({ status: 200, body: `${e.name} one` }));

    writeAsUser(home(e.name, e.file), e.source(`${e.name} two`), f.uid);
    const { result, bodies, failures } = await underLoad(f, domain, () => reload(e), `${e.name} two`);
    expect(result.statusCode, result.body).toBe(200);
    expect(failures).toEqual([]);
    expect(bodies).toContain(`${e.name} one`);
    expect(bodies.at(-1)).toBe(`${e.name} two`);

    writeAsUser(home(e.name, e.file), `${e.source(`${e.name} three`)}\n)(broken\n`, f.uid);
    const broken = await reload(e);
    expect(broken.statusCode, broken.body).toBe(422);
    expect(broken.json<{ detail: string; log_tail: string }>()).toMatchObject({ detail: expect.stringContaining('The previous version keeps serving'), log_tail: expect.stringContaining('SyntaxError') });
    expect(await f.request(domain)).toMatchObject({ status: 200, body: `${e.name} two` });
  }, 120_000);
});
