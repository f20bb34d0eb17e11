import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouterFixture, type RouterFixture } from '../ingress/router-fixture.js';
import { openTerminal, startConsole } from '../helpers/consoles.js';

/** As in production: the browser reaches the api's console WebSocket through the router, by the dashboard's host name. */
describe('console WebSocket through the router', () => {
  let f: RouterFixture;

  beforeAll(async () => {
    f = await createRouterFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('upgrades on the dashboard host and streams the terminal both ways', async () => {
    const c = await startConsole(f.t.app, f.user);
    const host = `${f.t.config.domain}:${f.router.port}`;
    const term = await openTerminal(`http://127.0.0.1:${f.router.port}`, f.user, c.id, { cookie: f.user.cookie, host, origin: `http://${host}` });
    term.type('echo via-router-$((3*3))\r');
    await term.waitFor('via-router-9');
    await term.close();

    // A page on a web app's host (another origin) is refused.
    const evil = await openTerminal(`http://127.0.0.1:${f.router.port}`, f.user, c.id, { cookie: f.user.cookie, host, origin: `http://${f.user.username}.${f.t.config.domain}:${f.router.port}` }).then(
      () => 'opened',
      (err: { status?: number }) => err.status,
    );
    expect(evil).toBe(403);
  });
});
