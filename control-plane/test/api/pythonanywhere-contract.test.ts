import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';
import { userDirs } from '../../src/domain/layout.js';

/**
 * The calls PythonAnywhere's own clients make, as they make them: methods,
 * paths (trailing slashes included), bodies (requests' `data=` is
 * form-encoded, `json=` is JSON) and the fields they read. From
 * pythonanywhere/pythonanywhere-core `pythonanywhere_core/{webapp,files,base}.py`
 * and pythonanywhere/helper_scripts `cli/webapp.py`, `pythonanywhere/project.py`.
 * What needs a container engine (reload) is in
 * test/runtime/webapp-lifecycle.docker.test.ts.
 */

/** pythonanywhere_core.base.PYTHON_VERSIONS: what `Webapp.create` sends for each version. */
const PYTHON_VERSIONS: Record<string, string> = {
  '3.6': 'python36', '3.7': 'python37', '3.8': 'python38', '3.9': 'python39', '3.10': 'python310',
  '3.11': 'python311', '3.12': 'python312', '3.13': 'python313', '3.14': 'python314',
};

/** Webapp.get_log_info, line for line: which log indices the files tree shows for a domain. */
function logInfo(fileList: unknown[], domain: string): Record<'access' | 'error' | 'server', number[]> {
  const logs = { access: [] as number[], error: [] as number[], server: [] as number[] };
  const prefix = `/var/log/${domain}.`;
  for (const name of fileList) {
    if (typeof name !== 'string' || !name.startsWith(prefix)) continue;
    const log = name.slice(prefix.length).split('.');
    const type = log[0] as keyof typeof logs;
    if (!(type in logs)) continue;
    const last = log[log.length - 1];
    if (last === 'log') logs[type].push(0);
    else if (last === '1') logs[type].push(1);
    else if (last === 'gz') logs[type].push(Number(log[log.length - 2]));
  }
  return logs;
}

describe("PythonAnywhere's clients against Pyhost", () => {
  let t: TestApp;
  let me: TestUser;
  const webappsUrl = () => `/api/v0/user/${me.username}/webapps/`;
  const filesUrl = () => `/api/v0/user/${me.username}/files/`;
  const form = (data: Record<string, string>) => ({ payload: new URLSearchParams(data).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  /** call_api(url, method, data=…): the token header, a form body if any. */
  function callApi(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: { data?: Record<string, string>; json?: object }) {
    const f = body?.data ? form(body.data) : null;
    return t.app.inject({
      method,
      url,
      headers: { ...asToken(me.token), ...(f?.headers ?? {}) },
      payload: f ? f.payload : body?.json,
    });
  }

  beforeAll(async () => {
    t = await createTestApp();
    me = await createUser(t.app);
  });
  afterAll(() => t.close());

  it('Webapp.create as `pa webapp create` calls it: configure first, the project folder comes later', async () => {
    const domain = `create.${me.username}.localhost`;
    const domainUrl = `${webappsUrl()}${domain}/`;
    // sanity_checks: "You already have a webapp" unless this answers something other than 200.
    expect((await callApi('GET', domainUrl)).statusCode).toBe(404);

    const post = await callApi('POST', webappsUrl(), { data: { domain_name: domain, python_version: PYTHON_VERSIONS['3.11']! } });
    expect(post.statusCode, post.body).toBeGreaterThanOrEqual(200);
    expect(post.statusCode).toBeLessThan(300);
    expect(post.json().status).not.toBe('ERROR');

    // Project.create_webapp: the virtualenv exists by now, the project folder ~/<domain> not yet.
    const venv = `/home/${me.username}/.virtualenvs/${domain}`;
    const project = `/home/${me.username}/${domain}`;
    const patch = await callApi('PATCH', domainUrl, { data: { virtualenv_path: venv, source_directory: project } });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(patch.json()).toMatchObject({ virtualenv_path: venv, source_directory: project });

    // add_default_static_files_mappings: json=, and the answer is not even checked.
    for (const url of ['/static/', '/media/']) {
      const res = await callApi('POST', `${domainUrl}static_files/`, { json: { url, path: `${project}${url.slice(0, -1)}` } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const got = await callApi('GET', domainUrl);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ domain_name: domain, virtualenv_path: venv, source_directory: project, python_version: '3.11' });
    expect((await callApi('GET', webappsUrl())).json().map((w: { domain_name: string }) => w.domain_name)).toContain(domain);
  });

  it('refuses the Python versions it does not have, naming the ones it has; takes the ones it has in either form', async () => {
    for (const [version, sent] of Object.entries(PYTHON_VERSIONS)) {
      const domain = `py${version.replace('.', '')}.${me.username}.localhost`;
      for (const value of [sent, version]) {
        const res = await callApi('POST', webappsUrl(), { data: { domain_name: domain, python_version: value } });
        if (['3.9', '3.11', '3.13'].includes(version)) {
          expect(res.statusCode, value).toBe(201);
          await callApi('DELETE', `${webappsUrl()}${domain}/`);
        } else {
          expect(res.statusCode, value).toBe(400);
          // The client puts response.text into its exception: that is what the user reads.
          expect(res.json(), value).toMatchObject({ field: 'python_version' });
          expect(res.json().detail, value).toContain(`Python ${version} is not available`);
          expect(res.json().detail, value).toMatch(/installed versions are: 3\.9 \(or python39\), 3\.11 \(or python311\), 3\.13 \(or python313\)/);
        }
      }
    }
  });

  it('Webapp.get_log_info finds all three logs of a new app, and delete_log removes them, rotated ones too', async () => {
    const domain = `logs.${me.username}.localhost`;
    expect((await callApi('POST', webappsUrl(), { data: { domain_name: domain, python_version: 'python311' } })).statusCode).toBe(201);
    const treeUrl = `${filesUrl()}tree/?path=/var/log/`;
    const tree = await callApi('GET', treeUrl);
    expect(tree.statusCode, tree.body).toBe(200);
    expect(logInfo(tree.json(), domain)).toEqual({ access: [0], error: [0], server: [0] });

    const logDir = userDirs(t.dataDir, me.username).log;
    fs.writeFileSync(path.join(logDir, `${domain}.error.log.1`), 'older\n');
    fs.writeFileSync(path.join(logDir, `${domain}.error.log.2.gz`), zlib.gzipSync('oldest\n'));
    expect(logInfo((await callApi('GET', treeUrl)).json(), domain)).toEqual({ access: [0], error: [0, 1, 2], server: [0] });

    // delete_log(log_type, index): files/path/var/log/<domain>.<type>.log[.1|.N.gz]/ — with the trailing slash.
    const logUrl = (type: string, suffix = '') => `${filesUrl()}path/var/log/${domain}.${type}.log${suffix}/`;
    for (const [type, suffix] of [['access', ''], ['error', ''], ['error', '.1'], ['error', '.2.gz'], ['server', '']] as const) {
      const res = await callApi('DELETE', logUrl(type, suffix));
      expect(res.statusCode, `${type}${suffix}`).toBe(204);
    }
    expect(logInfo((await callApi('GET', treeUrl)).json(), domain)).toEqual({ access: [], error: [], server: [] });
    // `pa webapp delete-logs --log-index 0` deletes each kind's current log whether or not it is there.
    expect((await callApi('DELETE', logUrl('access'))).statusCode).toBe(404);
  });

  it('Webapp.patch returns the web app; Webapp.delete answers 204', async () => {
    const domain = `patch.${me.username}.localhost`;
    expect((await callApi('POST', webappsUrl(), { data: { domain_name: domain, python_version: '3.11' } })).statusCode).toBe(201);
    const patched = await callApi('PATCH', `${webappsUrl()}${domain}/`, { data: { force_https: 'True', virtualenv_path: `/home/${me.username}/.virtualenvs/later` } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ domain_name: domain, force_https: true, virtualenv_path: `/home/${me.username}/.virtualenvs/later` });
    // Without a container engine nothing starts, so nothing is pending.
    expect(patched.json().settings_warning).toBeNull();
    expect((await callApi('DELETE', `${webappsUrl()}${domain}/`)).statusCode).toBe(204);
  });

  it('still refuses settings that can never be right (outside your files) and stores nothing of that PATCH', async () => {
    const domain = `bad.${me.username}.localhost`;
    expect((await callApi('POST', webappsUrl(), { data: { domain_name: domain } })).statusCode).toBe(201);
    const res = await callApi('PATCH', `${webappsUrl()}${domain}/`, { data: { virtualenv_path: '/usr/lib/python3', force_https: 'True' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('virtualenv_path');
    expect((await callApi('GET', `${webappsUrl()}${domain}/`)).json()).toMatchObject({ virtualenv_path: null, force_https: false });
  });

  it('consoles/shared_with_you/ answers a list (none: Pyhost does not share consoles)', async () => {
    const res = await callApi('GET', `/api/v0/user/${me.username}/consoles/shared_with_you/`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([]);
  });
});
