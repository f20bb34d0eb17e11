import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { generationRunDir } from '../../src/domain/layout.js';
import { webappEnvironment, webappWorkload } from '../../src/services/webapps/webapp-workload.js';
import type { WebappRow } from '../../src/store/webapps-store.js';
import { userRow } from '../helpers/rows.js';

const row = (over: Partial<WebappRow> = {}): WebappRow => ({
  id: 7, user_id: 3, domain_name: 'alice.localhost', python_version: '3.11', source_directory: '/home/alice/site',
  working_directory: null, virtualenv_path: null, force_https: 0, hsts_enabled: 0, password_protection_enabled: 0,
  password_protection_username: null, password_protection_hash: null, server: 'uwsgi', workers: 1, env_json: '{}',
  auto_reload: 0, enabled: 1, created_at: '', updated_at: '', active_generation: 1, next_generation: 2,
  last_reload_at: null, last_reload_ms: null, last_reload_ok: null, last_reload_error: null, crashed_reason: null, settings_warning: null, sleeping_since: null, keep_awake: 0, ...over,
});
const user = userRow({ id: 3, username: 'alice' });

describe('web app container', () => {
  it.each<[string, Partial<WebappRow>, Record<string, string>]>([
    ['defaults', {}, { PYHOST_SERVER: 'uwsgi', PYHOST_WORKERS: '1', PYHOST_SOURCE_DIR: '/home/alice/site', PYHOST_WORKING_DIR: '/home/alice/site', PYHOST_VIRTUALENV: '', PYHOST_AUTO_RELOAD: '0' }],
    ['gunicorn, workers, venv, auto-reload', { server: 'gunicorn', workers: 4, virtualenv_path: '/home/alice/.virtualenvs/v', auto_reload: 1, working_directory: '/home/alice' }, { PYHOST_SERVER: 'gunicorn', PYHOST_WORKERS: '4', PYHOST_VIRTUALENV: '/home/alice/.virtualenvs/v', PYHOST_AUTO_RELOAD: '1', PYHOST_WORKING_DIR: '/home/alice' }],
    ['no source directory: the home', { source_directory: null }, { PYHOST_SOURCE_DIR: '/home/alice', PYHOST_WORKING_DIR: '/home/alice' }],
    ["the user's variables pass through", { env_json: '{"DJANGO_DEBUG":"0"}' }, { DJANGO_DEBUG: '0', HOME: '/home/alice', PYHOST_DOMAIN_NAME: 'alice.localhost', PYHOST_USERNAME: 'alice' }],
  ])('environment: %s', (_name, over, expected) => {
    expect(webappEnvironment(row(over), 'alice')).toMatchObject(expected);
  });

  it('a user variable can never override a PYHOST_ setting', () => {
    // The API refuses such names; even a row that has one loses to the gateway's own value.
    expect(webappEnvironment(row({ env_json: '{"PYHOST_SERVER":"evil","HOME":"/etc"}' }), 'alice')).toMatchObject({ PYHOST_SERVER: 'uwsgi', HOME: '/home/alice' });
  });

  it('builds the spec from the instance configuration', () => {
    const config = loadConfig({ PYHOST_DATA: '/srv/pyhost', PYHOST_APP_MEMORY_MB: '300', PYHOST_APP_CPUS: '0.5', PYHOST_APP_PIDS: '100' });
    const spec = webappWorkload(config, 'abc123', user, row(), 4, config.limits.memory_mb);
    expect(spec).toMatchObject({
      kind: 'webapp',
      instance: 'abc123',
      image: 'pyhost-runtime:latest',
      username: 'alice',
      uid: 10003,
      workloadId: 7,
      generation: 4,
      domain: 'alice.localhost',
      stopSignal: 'SIGTERM',
      limits: { memoryBytes: 300 * 1024 * 1024, nanoCpus: 500_000_000, pids: 100 },
    });
    expect(spec.mounts).toEqual([
      { source: '/srv/pyhost/users/alice/home', target: '/home/alice' },
      { source: '/srv/pyhost/users/alice/www', target: '/var/www' },
      { source: '/srv/pyhost/users/alice/log', target: '/var/log' },
      { source: '/srv/pyhost/run/7/g4', target: '/run/pyhost' },
    ]);
    expect(generationRunDir('/d', 1, 2)).toBe('/d/run/1/g2');
  });

  it('runs in the image of its python_version', () => {
    const config = loadConfig({ PYHOST_DATA: '/srv/pyhost' });
    expect(webappWorkload(config, 'abc123', user, row({ python_version: '3.9' }), 1, 96).image).toBe('pyhost-runtime:python39');
    expect(webappWorkload(config, 'abc123', user, row({ python_version: '3.13' }), 1, 96).image).toBe('pyhost-runtime:python313');
  });

  it("gives the container the account's memory, whatever the instance's default", () => {
    const config = loadConfig({ PYHOST_DATA: '/srv/pyhost', PYHOST_APP_MEMORY_MB: '300' });
    expect(webappWorkload(config, 'abc123', user, row(), 1, 96).limits.memoryBytes).toBe(96 * 1024 * 1024);
  });
});
