import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { candidates } from '../../src/domain/compare-servers.js';
import { buildCreateOptions, InvalidSpecError } from '../../src/runtime/index.js';
import { candidateWorkload, runDirs } from '../../src/services/compare/compare-workload.js';
import type { WebappRow } from '../../src/store/webapps-store.js';
import { userRow } from '../helpers/rows.js';

const config = loadConfig({ PYHOST_DATA: '/srv/pyhost' });
const app = {
  id: 7, user_id: 3, domain_name: 'alice.localhost', python_version: '3.11', source_directory: '/home/alice/blog', working_directory: null,
  virtualenv_path: null, server: 'uwsgi', workers: 1, env_json: '{"DJANGO_DEBUG":"0"}', auto_reload: 1,
} as WebappRow;
const user = userRow({ id: 3, username: 'alice' });
const [runserver, gunicorn] = candidates(true);
const build = (candidate = gunicorn!, copiedProject: string | null = '/home/alice/blog') =>
  buildCreateOptions(candidateWorkload({ config, instance: 'abc123', user, app, runId: 5, candidate, memoryMb: 256, copiedProject, djangoDir: '/home/alice/blog' }));

describe('compare candidate containers', () => {
  it("read the home, WSGI files and the wheelhouse read-only, write only their own folders and the project's copy", () => {
    const mounts = build().HostConfig!.Mounts!.map((m) => [m.Target, m.Source, m.ReadOnly]);
    const dirs = runDirs('/srv/pyhost', 5);
    expect(mounts).toEqual([
      ['/home/alice', '/srv/pyhost/users/alice/home', true],
      ['/var/www', '/srv/pyhost/users/alice/www', true],
      ['/var/log', dirs.log('gunicorn'), false],
      ['/run/pyhost', dirs.run('gunicorn'), false],
      ['/home/alice/blog', dirs.project, false],
      ['/wheelhouse', '/srv/pyhost/wheelhouse', true],
    ]);
    expect(build(gunicorn, null).HostConfig!.Mounts!.map((m) => m.Target)).not.toContain('/home/alice/blog');
  });

  it('have the live app\'s hardening, memory and environment, and their labels', () => {
    const o = build();
    expect(o.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], NetworkMode: 'none', Memory: 256 * 1024 * 1024, NanoCpus: config.appLimits.nanoCpus });
    expect(o.User).toBe('10003:10003');
    expect(o.Labels).toMatchObject({ 'io.pyhost.kind': 'compare', 'io.pyhost.workload': '5', 'io.pyhost.generation': '1' });
    expect(o.Env).toEqual(expect.arrayContaining(['PYHOST_SERVER=gunicorn', 'PYHOST_AUTO_RELOAD=0', 'DJANGO_DEBUG=0', 'PYHOST_WORKERS=1']));
    expect(o.Entrypoint).toBeUndefined();
  });

  it('run a development server under pyhost_gateway.devserver', () => {
    const o = build(runserver);
    expect(o.Entrypoint).toEqual(['python3', '-m', 'pyhost_gateway.devserver']);
    expect(o.Env).toEqual(expect.arrayContaining(['PYHOST_DEV_SERVER=runserver', 'PYHOST_DEV_DIR=/home/alice/blog']));
  });

  it('only compare containers may have a folder mounted below the home', () => {
    const spec = candidateWorkload({ config, instance: 'abc123', user, app, runId: 5, candidate: gunicorn!, memoryMb: 256, copiedProject: '/home/alice/blog', djangoDir: null });
    expect(() => buildCreateOptions({ ...spec, kind: 'webapp' })).toThrow(InvalidSpecError);
    expect(() => buildCreateOptions({ ...spec, mounts: [...spec.mounts.slice(0, 4), { source: '/srv/pyhost/compare/5/project', target: '/home/alice/../bob' }] })).toThrow(InvalidSpecError);
  });
});
