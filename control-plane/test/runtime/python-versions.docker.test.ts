import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { consolesUrl, latestOutput, startConsole } from '../helpers/consoles.js';
import { docker, waitForState, wsgiFile, writeAsUser } from '../helpers/docker-app.js';
import { eventually } from '../helpers/eventually.js';
import { asToken } from '../helpers/test-app.js';
import { createRouterFixture, underLoad, type RouterFixture } from '../ingress/router-fixture.js';

/** Answers "<major.minor> <sys.version>": which Python serves it. */
const VERSION_APP = `import sys

def application(environ, start_response):
    body = ('%d.%d %s' % (sys.version_info[0], sys.version_info[1], sys.version)).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
`;

const VERSION_ASGI = `import sys

async def app(scope, receive, send):
    assert scope['type'] == 'http'
    body = ('%d.%d %s' % (sys.version_info[0], sys.version_info[1], sys.version)).encode()
    await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/plain')]})
    await send({'type': 'http.response.body', 'body': body})
`;

const SHORT_VERSION_APP = `import sys

def application(environ, start_response):
    body = ('%d.%d' % sys.version_info[:2]).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]
`;

/**
 * Each Python has its own runtime image (docs/runtime-contract.md):
 * python_version picks it for web apps and websites, `python3.X` for
 * consoles; a change of version replaces the container with no failed
 * request. Needs the three images (scripts/build-runtime-image.sh).
 */
describe('Python versions on the Docker Engine', () => {
  let f: RouterFixture;
  const home = (...p: string[]) => path.join(userDirs(f.t.dataDir, f.user.username).home, ...p);

  beforeAll(async () => {
    f = await createRouterFixture({ PYHOST_LIMIT_WEBAPPS: '20', PYHOST_RELOAD_TIMEOUT_SECONDS: '15' });
  }, 60_000);
  afterAll(async () => {
    await f?.close();
  });

  async function createApp(name: string, pythonVersion: string): Promise<string> {
    const domain = `${name}.${f.user.username}.localhost`;
    const created = await f.api('POST', '', { domain_name: domain, python_version: pythonVersion });
    expect(created.statusCode, created.body).toBe(201);
    await waitForState(f.t.app, f.user, domain, 'running');
    writeAsUser(wsgiFile(f.t, f.user, domain), VERSION_APP, f.uid);
    const reloaded = await f.api('POST', `${domain}/reload/`);
    expect(reloaded.statusCode, reloaded.body).toBe(200);
    return domain;
  }

  it.each([
    ['python39', '3.9'],
    ['3.11', '3.11'],
    ['python3.13', '3.13'],
  ])('a web app with python_version %s serves under uWSGI and gunicorn on Python %s', async (asked, version) => {
    const domain = await createApp(`v${version.replace('.', '')}`, asked);
    expect((await f.api('GET', `${domain}/`)).json()).toMatchObject({ python_version: version });
    const served = await f.request(domain);
    expect(served.status, served.body).toBe(200);
    expect(served.body).toMatch(new RegExp(`^${version.replace('.', '\\.')} ${version.replace('.', '\\.')}\\.\\d+ `));

    const patched = await f.api('PATCH', `${domain}/`, { server: 'gunicorn' });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ server: 'gunicorn', settings_warning: null });
    await eventually(async () => expect((await f.request(domain)).body).toMatch(new RegExp(`^${version.replace('.', '\\.')} `)));
    const [container] = await docker.listContainers({ filters: { label: [`io.pyhost.instance=${f.t.app.instanceId}`, `io.pyhost.domain=${domain}`] } });
    expect(container?.Image).toBe(f.t.config.runtimeImages[version as '3.9' | '3.11' | '3.13']);
  }, 90_000);

  it('an unknown python_version answers 400 listing the installed ones', async () => {
    const res = await f.api('POST', '', { domain_name: `nope.${f.user.username}.localhost`, python_version: '3.10' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'python_version', detail: expect.stringContaining('3.9 (or python39), 3.11 (or python311), 3.13 (or python313)') });
  });

  it('changing python_version from 3.11 to 3.13 under 20 concurrent clients fails no request', async () => {
    const domain = await createApp('switch', '3.11');
    writeAsUser(wsgiFile(f.t, f.user, domain), SHORT_VERSION_APP, f.uid);
    expect((await f.api('POST', `${domain}/reload/`)).statusCode).toBe(200);
    const { result: patched, bodies, failures } = await underLoad(f, domain, () => f.api('PATCH', `${domain}/`, { python_version: '3.13' }), '3.13');
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ python_version: '3.13', settings_warning: null });
    expect(failures, `${failures.length} of ${bodies.length + failures.length} failed`).toEqual([]);
    expect(bodies).toContain('3.11');
    expect(bodies.at(-1)).toBe('3.13');
    process.stderr.write(`python version switch under load: ${bodies.length} served (${bodies.filter((b) => b === '3.11').length} by 3.11, ${bodies.filter((b) => b === '3.13').length} by 3.13), ${failures.length} failed\n`);
  }, 90_000);

  it.each([['3.13'], ['3.9']])('a website runs `uvicorn --uds $DOMAIN_SOCKET` on Python %s', async (version) => {
    const domain = `asgi${version.replace('.', '')}.${f.user.username}.localhost`;
    writeAsUser(home(`asgi${version.replace('.', '')}`, 'main.py'), VERSION_ASGI, f.uid);
    const res = await f.t.app.inject({
      method: 'POST', url: `/api/v1/user/${f.user.username}/websites/`, headers: asToken(f.user.token),
      payload: { domain_name: domain, python_version: version, webapp: { command: `cd ~/asgi${version.replace('.', '')} && exec uvicorn --uds $DOMAIN_SOCKET main:app` } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ state: 'running', python_version: version });
    await eventually(async () => expect((await f.request(domain)).body).toMatch(new RegExp(`^${version.replace('.', '\\.')} `)));
  }, 60_000);

  it('a uvicorn website on 3.11 changed to 3.13 by PATCH serves from Python 3.13', async () => {
    const domain = `asgiswitch.${f.user.username}.localhost`;
    const url = `/api/v1/user/${f.user.username}/websites/`;
    writeAsUser(home('asgiswitch', 'main.py'), VERSION_ASGI, f.uid);
    const created = await f.t.app.inject({
      method: 'POST', url, headers: asToken(f.user.token),
      payload: { domain_name: domain, webapp: { command: 'cd ~/asgiswitch && exec uvicorn --uds $DOMAIN_SOCKET main:app' } },
    });
    expect(created.json()).toMatchObject({ state: 'running', python_version: '3.11' });
    await eventually(async () => expect((await f.request(domain)).body).toMatch(/^3\.11 /));
    const patched = await f.t.app.inject({ method: 'PATCH', url: `${url}${domain}/`, headers: asToken(f.user.token), payload: { python_version: '3.13' } });
    expect(patched.json()).toMatchObject({ state: 'running', python_version: '3.13', last_error: null });
    await eventually(async () => expect((await f.request(domain)).body).toMatch(/^3\.13 3\.13\.\d+ /));
  }, 60_000);

  it('a python3.13 console runs in the 3.13 image, beside the bash console of the default one', async () => {
    const bash = await startConsole(f.t.app, f.user, { executable: 'bash' });
    const py = await startConsole(f.t.app, f.user, { executable: 'python3.13', arguments: `-c "import sys; print('running', sys.version)"` });
    await eventually(async () => expect(await latestOutput(f.t.app, f.user, py.id)).toMatch(/running 3\.13\.\d+ /), { timeoutMs: 20_000 });
    const consoles = await docker.listContainers({ filters: { label: [`io.pyhost.instance=${f.t.app.instanceId}`, 'io.pyhost.kind=console'] } });
    expect(consoles.map((c) => c.Image).sort()).toEqual(['pyhost-runtime:latest', 'pyhost-runtime:python313']);
    const refused = await f.t.app.inject({ method: 'POST', url: consolesUrl(f.user), headers: asToken(f.user.token), payload: { executable: 'python3.12' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toContain('the installed versions are');
    await f.t.app.inject({ method: 'DELETE', url: consolesUrl(f.user, `${bash.id}/`), headers: asToken(f.user.token) });
  }, 60_000);

  it('a virtualenv made with another Python is explained at reload (422), and the app keeps serving', async () => {
    const domain = await createApp('venv', '3.11');
    writeAsUser(home('.virtualenvs', 'old39', 'pyvenv.cfg'), 'home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.9.2\n', f.uid);
    const venv = `/home/${f.user.username}/.virtualenvs/old39`;
    const patched = await f.api('PATCH', `${domain}/`, { virtualenv_path: venv });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ settings_warning: expect.stringContaining(`the virtualenv ${venv} was made with Python 3.9 but this web app runs Python 3.11`) });
    const reload = await f.api('POST', `${domain}/reload/`);
    expect(reload.statusCode).toBe(422);
    expect(reload.json()).toMatchObject({
      detail: `the virtualenv ${venv} was made with Python 3.9 but this web app runs Python 3.11: set python_version to 3.9 or recreate the virtualenv with python3.11 -m venv ${venv}`,
    });
    expect((await f.request(domain)).body).toMatch(/^3\.11 /);
  }, 60_000);
});
