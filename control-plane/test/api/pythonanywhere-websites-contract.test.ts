import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * pythonanywhere-core's `pythonanywhere_core/website.py` (Website) and
 * helper_scripts' `cli/website.py` (`pa website …`), call for call: the v1
 * endpoint get_api_endpoint(flavor="websites") builds, the JSON bodies, and
 * the fields the CLI reads. Real containers: test/runtime/websites.docker.test.ts.
 */
describe("PythonAnywhere's Website client against Pyhost", () => {
  let t: TestApp;
  let me: TestUser;
  /** Website.api_endpoint: https://<host>/api/v1/user/<user>/websites/ */
  const endpoint = () => `/api/v1/user/${me.username}/websites/`;
  const callApi = (method: 'GET' | 'POST' | 'DELETE', url: string, json?: object) =>
    t.app.inject({ method, url, headers: asToken(me.token), ...(json ? { payload: json } : {}) });

  beforeAll(async () => {
    t = await createTestApp();
    me = await createUser(t.app);
  });
  afterAll(() => t.close());

  it('create, get, list, reload and delete as `pa website` does them', async () => {
    const domain = `asgi.${me.username}.localhost`;
    const command = 'uvicorn --uds ${DOMAIN_SOCKET} main:app';
    // Website.create: json={"domain_name", "enabled": True, "webapp": {"command"}}; the CLI prints response.json().
    const created = await callApi('POST', endpoint(), { domain_name: domain, enabled: true, webapp: { command } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ domain_name: domain, enabled: true, webapp: { command } });

    // `pa website get -d`: domain_name, enabled, webapp.command, and logfiles.{access,error,server} when present.
    const got = await callApi('GET', `${endpoint()}${domain}/`);
    expect(got.statusCode).toBe(200);
    const info = got.json();
    expect([info.domain_name, info.enabled, info.webapp.command]).toEqual([domain, true, command]);
    expect(info.logfiles).toEqual({
      access: `/var/log/${domain}.access.log`, error: `/var/log/${domain}.error.log`, server: `/var/log/${domain}.server.log`,
    });
    expect(info.webapp.domains).toEqual([{ domain_name: domain, enabled: true }]);

    // `pa website get` without a domain: a list, each with domain_name and enabled.
    const list = await callApi('GET', endpoint());
    expect(list.statusCode).toBe(200);
    expect(list.json().map((w: { domain_name: string; enabled: boolean }) => [w.domain_name, w.enabled])).toEqual([[domain, true]]);

    // Website.reload: POST …/reload/, response.json() returned.
    const reload = await callApi('POST', `${endpoint()}${domain}/reload/`);
    expect(reload.statusCode, reload.body).toBe(200);
    expect(reload.json()).toEqual({ status: 'OK' });

    // Website.delete: the answer is not read; then the domain is gone.
    expect((await callApi('DELETE', `${endpoint()}${domain}/`)).statusCode).toBe(204);
    expect((await callApi('GET', `${endpoint()}${domain}/`)).statusCode).toBe(404);
  });

  it("a second create of the same domain gets PythonAnywhere's 400, whose text the client shows", async () => {
    const domain = `twice.${me.username}.localhost`;
    const body = { domain_name: domain, enabled: true, webapp: { command: 'python3 server.py' } };
    expect((await callApi('POST', endpoint(), body)).statusCode).toBe(201);
    const again = await callApi('POST', endpoint(), body);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('domain with this domain name already exists');
  });
});
