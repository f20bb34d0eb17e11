import { describe, expect, it } from 'vitest';
import { ConfigError, LETS_ENCRYPT_DIRECTORY, loadConfig } from '../../src/config.js';

describe('ACME settings', () => {
  it('are off unless PYHOST_ACME_DIRECTORY or PYHOST_ACME_EMAIL is set; a contact alone means Let\'s Encrypt', () => {
    expect(loadConfig({}).acme).toBeNull();
    expect(loadConfig({ PYHOST_ACME_DIRECTORY: ' ' }).acme).toBeNull();
    expect(loadConfig({ PYHOST_ACME_EMAIL: 'a@example.org' }).acme).toEqual({ directory: LETS_ENCRYPT_DIRECTORY, email: 'a@example.org', caBundle: null });
  });

  it('take the directory, the contact and the CA bundle (resolved like the other paths)', () => {
    expect(loadConfig({ PYHOST_ACME_DIRECTORY: LETS_ENCRYPT_DIRECTORY, PYHOST_ACME_EMAIL: ' admin@example.org ', PYHOST_ACME_CA_BUNDLE: 'ca.pem' }, '/srv').acme).toEqual({
      directory: LETS_ENCRYPT_DIRECTORY, email: 'admin@example.org', caBundle: '/srv/ca.pem',
    });
    expect(loadConfig({ PYHOST_ACME_DIRECTORY: 'https://127.0.0.1:14000/dir' }).acme).toEqual({ directory: 'https://127.0.0.1:14000/dir', email: null, caBundle: null });
  });

  it.each([
    [{ PYHOST_ACME_DIRECTORY: 'http://ca.example.org/dir' }, /https URL/],
    [{ PYHOST_ACME_DIRECTORY: 'not a url' }, /must be a URL/],
    [{ PYHOST_ACME_DIRECTORY: LETS_ENCRYPT_DIRECTORY, PYHOST_ACME_EMAIL: 'nobody' }, /email address/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
