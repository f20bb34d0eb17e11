import { describe, expect, it } from 'vitest';
import {
  OrderBudget,
  backoffMs,
  isCertifiableName,
  needsOrder,
  renewalTime,
  wantedCertificates,
  type CertificateState,
} from '../../src/domain/renewal-policy.js';

const HOUR = 3600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const wanted = { id: 'webapp-1', names: ['a.example.org'], owner: 'webapp:1' };
const issued = (over: Partial<CertificateState> = {}): CertificateState => ({
  id: 'webapp-1', names: ['a.example.org'], source: 'acme', not_before: iso(T0), not_after: iso(T0 + 90 * HOUR), next_attempt_at: null, failures: 0, ...over,
});

describe('renewal policy', () => {
  it('wants the dashboard and every enabled web app and website of an enabled account, not names no CA issues nor domains waiting for DNS', () => {
    const row = (id: number, domain: string, enabled = 1, disabled = 0, dnsPending = 0) => ({
      id, user_id: 1, username: 'u', domain_name: domain, enabled, account_disabled: disabled, dns_pending: dnsPending, active_generation: 1, sleeping: 0, crashed: 0, force_https: 0, hsts_enabled: 0,
      password_protection_enabled: 0, password_protection_username: null, password_protection_hash: null,
    });
    const snapshot = {
      webapps: [row(1, 'u.example.org'), row(2, 'off.example.org', 0), row(3, 'gone.example.org', 1, 1), row(4, 'x.localhost'), row(5, 'www.own.test', 1, 0, 1)],
      websites: [row(7, 'site.example.org'), row(8, 'shop.own.test', 1, 0, 1)],
    };
    expect(wantedCertificates(snapshot, 'example.org')).toEqual([
      { id: 'dashboard', names: ['example.org'], owner: 'dashboard' },
      { id: 'webapp-1', names: ['u.example.org'], owner: 'webapp:1' },
      { id: 'website-7', names: ['site.example.org'], owner: 'website:7' },
    ]);
    expect(wantedCertificates({ webapps: [], websites: [] }, 'localhost')).toEqual([]);
  });

  it.each([
    ['example.org', true], ['a.b.example.org', true], ['localhost', false], ['app.localhost', false], ['127.0.0.1', false], ['::1', false], ['intranet', false],
  ])('%s is certifiable: %s', (name, ok) => expect(isCertifiableName(name)).toBe(ok));

  it('renews two thirds into the lifetime', () => {
    expect(renewalTime(iso(T0), iso(T0 + 90 * HOUR))).toBe(T0 + 60 * HOUR);
    expect(needsOrder(wanted, issued(), [], T0 + 60 * HOUR - 1)).toBe(false);
    expect(needsOrder(wanted, issued(), [], T0 + 60 * HOUR)).toBe(true);
  });

  it('orders a certificate that is missing or whose names changed', () => {
    expect(needsOrder(wanted, undefined, [], T0)).toBe(true);
    expect(needsOrder(wanted, issued({ not_after: null, not_before: null }), [], T0)).toBe(true);
    expect(needsOrder({ ...wanted, names: ['b.example.org'] }, issued(), [], T0)).toBe(true);
  });

  it('waits out the backoff after a failure', () => {
    const failing = issued({ not_before: null, not_after: null, failures: 2, next_attempt_at: iso(T0 + 10 * 60_000) });
    expect(needsOrder(wanted, failing, [], T0 + 10 * 60_000 - 1)).toBe(false);
    expect(needsOrder(wanted, failing, [], T0 + 10 * 60_000)).toBe(true);
  });

  it('leaves a name alone that a valid uploaded certificate covers', () => {
    const upload = issued({ id: 'mine', source: 'upload', names: ['a.example.org', 'www.example.org'] });
    expect(needsOrder(wanted, undefined, [upload], T0)).toBe(false);
    expect(needsOrder(wanted, undefined, [upload], T0 + 91 * HOUR)).toBe(true);
  });

  it('backs off from 5 minutes, doubling, to at most 6 hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => backoffMs(n) / 60_000)).toEqual([5, 10, 20, 40, 80, 160, 320, 360, 360]);
    expect(backoffMs(3, { minMs: 100, maxMs: 250 })).toBe(250);
  });

  it('orders no more than the hour\'s budget', () => {
    const budget = new OrderBudget(3);
    expect([0, 1, 2, 3].map((i) => budget.take(T0 + i * 1000))).toEqual([true, true, true, false]);
    expect(budget.take(T0 + HOUR - 1)).toBe(false);
    expect(budget.take(T0 + HOUR)).toBe(true);
    expect(budget.take(T0 + HOUR + 1)).toBe(false);
  });
});
