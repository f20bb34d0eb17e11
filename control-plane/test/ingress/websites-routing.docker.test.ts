import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { writeAsUser } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { asToken } from '../helpers/test-app.js';
import { createRouterFixture, type RouterFixture } from './router-fixture.js';

const APP = (says: string) => `def app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b${JSON.stringify(says)}]
`;

/**
 * A website (docs/websites.md) through the real router: its domain is served
 * from the socket its command listens on (reloads under load: website-commands.docker.test.ts).
 */
describe('websites through the router', () => {
  let f: RouterFixture;
  let domain: string;
  const api = (rest = '') => `/api/v1/user/${f.user.username}/websites/${rest}`;
  const home = (...p: string[]) => path.join(userDirs(f.t.dataDir, f.user.username).home, ...p);

  beforeAll(async () => {
    f = await createRouterFixture({ PYHOST_RELOAD_TIMEOUT_SECONDS: '10' });
    domain = `gsite.${f.user.username}.localhost`;
    writeAsUser(home('gsite', 'app.py'), APP('one'), f.uid);
    const res = await f.t.app.inject({
      method: 'POST', url: api(), headers: asToken(f.user.token),
      payload: { domain_name: domain, enabled: true, webapp: { command: 'cd ~/gsite && exec gunicorn --workers 2 --bind unix:$DOMAIN_SOCKET app:app' } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ state: 'running' });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  it('serves the domain from the command\'s socket and writes the access log', async () => {
    await eventually(async () => expect(await f.request(domain)).toMatchObject({ status: 200, body: 'one' }));
    const log = path.join(userDirs(f.t.dataDir, f.user.username).log, `${domain}.access.log`);
    await eventually(() => expect(fs.readFileSync(log, 'utf8')).toMatch(/"GET \/ HTTP\/1\.1" 200/));
  });

  it('disabled, the domain answers the web apps\' "disabled" page; enabled again, it serves', async () => {
    const patch = (enabled: boolean) => f.t.app.inject({ method: 'PATCH', url: api(`${domain}/`), headers: asToken(f.user.token), payload: { enabled } });
    expect((await patch(false)).json()).toMatchObject({ state: 'disabled' });
    await eventually(async () => expect(await f.request(domain)).toMatchObject({ status: 503, body: expect.stringContaining('disabled by its owner') }));
    expect((await patch(true)).json()).toMatchObject({ state: 'running' });
    await eventually(async () => expect(await f.request(domain)).toMatchObject({ status: 200, body: 'one' }));
  }, 60_000);
});
