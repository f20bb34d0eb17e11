import { describe, expect, it } from 'vitest';
import { mapVisiblePath } from '../../src/lib/path-confinement.js';
import { userDirs } from '../../src/domain/layout.js';
import { NotFoundError, ValidationError } from '../../src/domain/errors.js';

const dirs = userDirs('/data', 'alice');

describe('mapVisiblePath', () => {
  it.each([
    ['/home/alice', '/data/users/alice/home'],
    ['/home/alice/site//app.py', '/data/users/alice/home/site/app.py'],
    ['/var/www/alice_localhost_wsgi.py', '/data/users/alice/www/alice_localhost_wsgi.py'],
    ['/var/log/', '/data/users/alice/log'],
  ])('maps %s', (visible, host) => {
    expect(mapVisiblePath('alice', dirs, visible).host).toBe(host);
  });

  it.each([
    ['/home/alice/../bob', ValidationError],
    ['/home/alice/./x', ValidationError],
    ['/home/alice/x\0y', ValidationError],
    ['home/alice/x', ValidationError],
    ['/home/bob/x', NotFoundError],
    ['/home/alicex/x', NotFoundError],
    ['/etc/passwd', NotFoundError],
    ['/var/wwwx/a', NotFoundError],
    ['/', NotFoundError],
  ])('refuses %s', (visible, error) => {
    expect(() => mapVisiblePath('alice', dirs, visible)).toThrow(error);
  });
});
