import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/services/login-throttle.js';
import { RateLimitedError } from '../../src/domain/errors.js';

describe('LoginThrottle', () => {
  it('allows five failures, refuses the sixth attempt, and forgets after 15 minutes', () => {
    let now = 1_000_000;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 5; i++) {
      t.check('alice', '1.1.1.1');
      t.recordFailure('alice', `10.0.0.${i}`);
      now += 1000;
    }
    expect(() => t.check('alice', '9.9.9.9')).toThrow(RateLimitedError);
    try {
      t.check('alice', '9.9.9.9');
    } catch (err) {
      expect((err as RateLimitedError).retryAfterSeconds).toBe(15 * 60 - 5);
    }
    now += 15 * 60 * 1000 - 4000;
    t.check('alice', '9.9.9.9');
  });

  it('counts per address across usernames', () => {
    const t = new LoginThrottle(() => 0);
    for (let i = 0; i < 5; i++) t.recordFailure(`user${i}`, '2.2.2.2');
    expect(() => t.check('someone', '2.2.2.2')).toThrow(RateLimitedError);
    t.check('someone', '3.3.3.3');
  });

  it('a success clears the username’s failures', () => {
    const t = new LoginThrottle(() => 0);
    for (let i = 0; i < 4; i++) t.recordFailure('bob', `10.0.0.${i}`);
    t.recordSuccess('bob');
    t.recordFailure('bob', '10.0.1.1');
    t.check('bob', '10.0.2.2');
  });
});
