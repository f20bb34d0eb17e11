import { describe, expect, it } from 'vitest';
import { checkDomain, checkEnv, checkStaticUrl, parsePythonVersion } from '../../src/domain/webapp-rules.js';
import { ValidationError } from '../../src/domain/errors.js';
import { wsgiFileName } from '../../src/domain/names.js';

describe('web app rules', () => {
  it.each([
    ['alice.localhost', 'alice.localhost'],
    ['ALICE.localhost.', 'alice.localhost'],
    ['blog.alice.localhost', 'blog.alice.localhost'],
    ['www.alice-site.example', 'www.alice-site.example'],
  ])('accepts the domain %s', (raw, expected) => {
    expect(checkDomain(raw, 'alice', 'localhost')).toBe(expected);
  });

  it.each(['localhost', 'www.localhost', 'bob.localhost', 'x.bob.localhost', 'alice', 'a..b', '-a.example', 'a b.example', 'a_b.example'])(
    'refuses the domain %s',
    (raw) => {
      expect(() => checkDomain(raw, 'alice', 'localhost')).toThrow(ValidationError);
    },
  );

  it.each([
    ['3.11', '3.11'],
    ['python311', '3.11'],
    ['python3.11', '3.11'],
  ])('reads python_version %s', (raw, expected) => {
    expect(parsePythonVersion(raw)).toBe(expected);
  });

  it.each(['2.7', 'python27', '3.99', 'latest'])('refuses python_version %s', (raw) => {
    expect(() => parsePythonVersion(raw)).toThrow(/not available/);
  });

  it('checks environment variables', () => {
    expect(checkEnv({ B: '2', A: '1' })).toEqual({ A: '1', B: '2' });
    expect(() => checkEnv({ PYHOST_X: '1' })).toThrow(/reserved/);
    expect(() => checkEnv({ pyhost_x: '1' })).toThrow(/reserved/);
    expect(() => checkEnv({ '1A': '1' })).toThrow(/letters/);
    expect(() => checkEnv({ A: 'x'.repeat(5000) })).toThrow(/at most/);
    expect(() => checkEnv(Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, '1'])))).toThrow(/at most 100/);
  });

  it('checks static URLs', () => {
    expect(checkStaticUrl('/static/')).toBe('/static/');
    for (const bad of ['static/', '/a b/', '/x?y', '/../', '/a/./b']) expect(() => checkStaticUrl(bad)).toThrow(ValidationError);
  });

  it('names WSGI files as PythonAnywhere does', () => {
    expect(wsgiFileName('www.example.com')).toBe('www_example_com_wsgi.py');
    expect(wsgiFileName('alice.localhost')).toBe('alice_localhost_wsgi.py');
  });
});
