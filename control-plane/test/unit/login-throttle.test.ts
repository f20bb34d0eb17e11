import { describe, expect, it } from 'vitest';
import { DeviceCookies, LOGIN_LIMITS, LoginThrottle, type LoginAttempt } from '../../src/services/accounts/login-throttle.js';
import { RateLimitedError } from '../../src/domain/errors.js';

const MINUTE = 60 * 1000;

/** One attempt that fails (begin, and never succeeded). */
function fail(t: LoginThrottle, attempt: LoginAttempt): void {
  t.begin(attempt);
}

function retryAfter(t: LoginThrottle, attempt: LoginAttempt): number {
  try {
    t.begin(attempt);
  } catch (err) {
    if (err instanceof RateLimitedError) return err.retryAfterSeconds;
    throw err;
  }
  throw new Error(`${JSON.stringify(attempt)} was let through`);
}

describe('LoginThrottle', () => {
  it('refuses a username after failures from five addresses, and forgets after 15 minutes', () => {
    let now = 1_000_000;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) {
      fail(t, { username: 'alice', address: `10.0.0.${i}` });
      now += 1000;
    }
    expect(() => t.begin({ username: 'alice', address: '9.9.9.9' })).toThrow(RateLimitedError);
    expect(retryAfter(t, { username: 'alice', address: '9.9.9.9' })).toBe(15 * 60 - 5);
    now += 15 * MINUTE - 4000;
    t.begin({ username: 'alice', address: '9.9.9.9' });
  });

  it('five failures for a username from one address refuse only that pair', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) {
      fail(t, { username: 'teacher', address: '1.1.1.1' });
      now += 1000;
    }
    expect(retryAfter(t, { username: 'teacher', address: '1.1.1.1' })).toBe(15 * 60 - 5);
    t.begin({ username: 'teacher', address: '2.2.2.2' }).succeeded();
    t.begin({ username: 'student', address: '1.1.1.1' }).succeeded();
    // The rightful user's success elsewhere does not free the guesser.
    expect(() => t.begin({ username: 'teacher', address: '1.1.1.1' })).toThrow(RateLimitedError);
  });

  it('lets a class behind one address fail, but not one address spray every username', () => {
    const t = new LoginThrottle(() => 0);
    for (let student = 0; student < 30; student++) {
      for (let i = 0; i < 3; i++) fail(t, { username: `student${student}`, address: '3.3.3.3' });
    }
    t.begin({ username: 'teacher', address: '3.3.3.3' }).succeeded();
    for (let i = 90; i < LOGIN_LIMITS.perAddress; i++) fail(t, { username: `user${i}`, address: '3.3.3.3' });
    expect(() => t.begin({ username: 'someone', address: '3.3.3.3' })).toThrow(RateLimitedError);
    t.begin({ username: 'someone', address: '4.4.4.4' });
  });

  it('does not count successful logins against the address', () => {
    const t = new LoginThrottle(() => 0);
    for (let i = 0; i < 2 * LOGIN_LIMITS.perAddress; i++) t.begin({ username: `student${i}`, address: '5.5.5.5' }).succeeded();
    t.begin({ username: 'another', address: '5.5.5.5' });
  });

  it('counts attempts still in flight, so a burst cannot all pass the check', () => {
    const t = new LoginThrottle(() => 0);
    for (let i = 0; i < 5; i++) t.begin({ username: 'teacher', address: '6.6.6.6' });
    expect(() => t.begin({ username: 'teacher', address: '6.6.6.6' })).toThrow(RateLimitedError);
  });

  it('a success clears the username’s failures', () => {
    const t = new LoginThrottle(() => 0);
    for (let i = 0; i < 4; i++) fail(t, { username: 'bob', address: `10.0.0.${i}` });
    t.begin({ username: 'bob', address: '10.0.0.9' }).succeeded();
    fail(t, { username: 'bob', address: '10.0.1.1' });
    t.begin({ username: 'bob', address: '10.0.2.2' });
  });

  it('lets a valid device cookie past the limits that others ran up, and limits its own failures', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) fail(t, { username: 'teacher', address: '10.9.0.0' });
    for (let i = 1; i < 5; i++) fail(t, { username: 'teacher', address: `10.9.0.${i}` });
    expect(() => t.begin({ username: 'teacher', address: '10.9.0.0' })).toThrow(RateLimitedError);
    expect(() => t.begin({ username: 'teacher', address: '7.7.7.7' })).toThrow(RateLimitedError);
    // Even from an address whose pair is refused (the guesser is behind the same NAT).
    t.begin({ username: 'teacher', address: '10.9.0.0', device: 'laptop' }).succeeded();
    for (let i = 0; i < 5; i++) {
      fail(t, { username: 'teacher', address: '7.7.7.7', device: 'stolen' });
      now += 1000;
    }
    expect(retryAfter(t, { username: 'teacher', address: '8.8.8.8', device: 'stolen' })).toBe(15 * 60 - 5);
    t.begin({ username: 'teacher', address: '7.7.7.7', device: 'laptop' }).succeeded();
    // The device's success does not lift the limit for browsers without one.
    expect(() => t.begin({ username: 'teacher', address: '7.7.7.7' })).toThrow(RateLimitedError);
  });

  it('remembers at most maxKeys keys per counter, forgetting the least recently failed first', () => {
    const t = new LoginThrottle(() => 0, { ...LOGIN_LIMITS, maxKeys: 3 });
    for (let i = 0; i < 5; i++) fail(t, { username: 'old', address: '1.1.1.1' });
    expect(() => t.begin({ username: 'old', address: '1.1.1.1' })).toThrow(RateLimitedError);
    for (let i = 0; i < 3; i++) fail(t, { username: `new${i}`, address: `2.2.2.${i}` });
    t.begin({ username: 'old', address: '1.1.1.1' });
  });
});

describe('DeviceCookies', () => {
  it('names the device for the username it was issued for, until it expires', () => {
    let now = 1_700_000_000_000;
    const cookies = new DeviceCookies('secret-one', () => now);
    const { value, expiresAt } = cookies.issue('teacher');
    expect(expiresAt.getTime()).toBe(now + 180 * 24 * 60 * MINUTE);
    const device = cookies.deviceOf(value, 'teacher');
    expect(device).toMatch(/^[\w-]{22}$/);
    expect(cookies.deviceOf(cookies.issue('teacher').value, 'teacher')).not.toBe(device);
    now = expiresAt.getTime();
    expect(cookies.deviceOf(value, 'teacher')).toBeUndefined();
  });

  it('refuses a cookie for another username, from another instance, altered, or malformed', () => {
    const cookies = new DeviceCookies('secret-one');
    const { value } = cookies.issue('student');
    const [expires, nonce, mac] = value.split('.');
    expect(cookies.deviceOf(value, 'teacher')).toBeUndefined();
    expect(new DeviceCookies('secret-two').deviceOf(value, 'student')).toBeUndefined();
    expect(cookies.deviceOf(`${Number(expires) + 1}.${nonce}.${mac}`, 'student')).toBeUndefined();
    expect(cookies.deviceOf(`${expires}.other${nonce}.${mac}`, 'student')).toBeUndefined();
    for (const bad of [undefined, '', 'x', `${value}.x`, `${expires}.${nonce}.`, `${expires}.${nonce}.${mac!.slice(1)}`]) {
      expect(cookies.deviceOf(bad, 'student'), String(bad)).toBeUndefined();
    }
  });
});
