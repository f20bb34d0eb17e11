import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, '/srv/pyhost');
    expect(c).toMatchObject({ dataDir: '/srv/pyhost/data', domain: 'localhost', port: 8080, signup: 'closed', admin: null });
    expect(Object.isFrozen(c)).toBe(true);
    // The router's own uid sits just below the users' (uid base + id), and no user ever gets it.
    expect(c).toMatchObject({ uidBase: 10000, ingressUid: 9999, passwordHashCost: 17 });
    expect(loadConfig({ PYHOST_UID_BASE: '20000' }).ingressUid).toBe(19999);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PYHOST_DATA: '/var/lib/pyhost',
      PYHOST_DOMAIN: 'Py.Example.org.',
      PYHOST_PORT: '80',
      PYHOST_SIGNUP: 'open',
      PYHOST_ADMIN_USER: 'teacher',
      PYHOST_ADMIN_PASSWORD: 'long-enough',
      PYHOST_MAX_UPLOAD_BYTES: '1024',
      PYHOST_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8',
    });
    expect(c).toMatchObject({
      dataDir: '/var/lib/pyhost',
      domain: 'py.example.org',
      port: 80,
      signup: 'open',
      admin: { username: 'teacher', password: 'long-enough' },
      maxUploadBytes: 1024,
      trustedProxies: ['127.0.0.1', '10.0.0.0/8'],
    });
  });

  it.each([
    [{ PYHOST_PORT: 'eighty' }, /PYHOST_PORT/],
    [{ PYHOST_PORT: '70000' }, /PYHOST_PORT/],
    [{ PYHOST_SIGNUP: 'yes' }, /PYHOST_SIGNUP/],
    [{ PYHOST_DOMAIN: 'bad domain' }, /PYHOST_DOMAIN/],
    [{ PYHOST_ADMIN_USER: 'teacher' }, /together/],
    [{ PYHOST_ADMIN_USER: 'teacher', PYHOST_ADMIN_PASSWORD: 'short' }, /8 characters/],
    [{ PYHOST_PASSWORD_HASH_COST: '10' }, /PYHOST_PASSWORD_HASH_COST/],
    [{ PYHOST_INGRESS_UID: '0' }, /PYHOST_INGRESS_UID/],
    [{ PYHOST_INGRESS_UID: '10001' }, /PYHOST_INGRESS_UID/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
