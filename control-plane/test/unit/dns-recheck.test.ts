import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEFAULT_RECHECK, dueForRecheck, type DnsStatus } from '../../src/domain/custom-domains.js';
import { CustomDomains } from '../../src/services/domains/custom-domains.js';
import { DnsRecheck } from '../../src/services/domains/dns-recheck.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { openStores, type Stores } from '../../src/store/stores.js';
import { eventually } from '../helpers/eventually.js';

const log = { error: () => undefined };
const T0 = Date.parse('2026-12-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('which custom domains are due for a look', () => {
  const row = (domain: string, status: 'ok' | 'pending' | 'wrong', checkedAgoMs: number | null) => ({ domain, dns_status: status, checked_at: checkedAgoMs === null ? null : iso(T0 - checkedAgoMs) });

  it('not ok: after 30 s; ok: after 10 minutes; never looked at: at once; the longest ago first', () => {
    const rows = [
      row('fresh-pending', 'pending', 29_999),
      row('old-wrong', 'wrong', 45_000),
      row('old-pending', 'pending', 30_000),
      row('never', 'pending', null),
      row('recent-ok', 'ok', 9 * 60_000),
      row('old-ok', 'ok', 10 * 60_000),
    ];
    expect(dueForRecheck(rows, T0, DEFAULT_RECHECK).map((r) => r.domain)).toEqual(['never', 'old-ok', 'old-wrong', 'old-pending']);
  });
});

/** A fake of the one call the sweep makes per domain: it records and waits until released. */
class Lookups {
  readonly started: string[] = [];
  inFlight = 0;
  most = 0;
  private release: (() => void)[] = [];

  check = (_username: string, domain: string): Promise<void> => {
    this.started.push(domain);
    this.most = Math.max(this.most, ++this.inFlight);
    return new Promise<void>((resolve) => this.release.push(() => {
      this.inFlight--;
      resolve();
    }));
  };

  releaseAll(): void {
    for (const r of this.release.splice(0)) r();
  }
}

describe('the DNS recheck sweep', () => {
  const due = Array.from({ length: 10 }, (_, i) => ({ username: 'ann', domain: `d${i}.test` }));

  it('looks up every due domain, a few at a time, one sweep at a time', async () => {
    const lookups = new Lookups();
    const sweeps: number[] = [];
    const recheck = new DnsRecheck({ dueForRecheck: () => (sweeps.push(1), due), check: lookups.check }, { log, concurrency: 3 });
    const first = recheck.sweep();
    expect(recheck.sweep()).toBe(first);
    while (lookups.started.length < due.length) {
      await eventually(() => expect(lookups.inFlight).toBeGreaterThan(0), { intervalMs: 1 });
      lookups.releaseAll();
    }
    lookups.releaseAll();
    expect(await first).toBe(10);
    expect(lookups.most).toBe(3);
    expect(lookups.started).toEqual(due.map((d) => d.domain));
    expect(sweeps).toHaveLength(1);
  });

  it('stops looking up once stopped, and waits for the lookups in flight', async () => {
    const lookups = new Lookups();
    const recheck = new DnsRecheck({ dueForRecheck: () => due, check: lookups.check }, { log, concurrency: 2 });
    const sweep = recheck.sweep();
    await eventually(() => expect(lookups.inFlight).toBe(2), { intervalMs: 1 });
    let stopped = false;
    const stopping = recheck.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    lookups.releaseAll();
    await stopping;
    expect(await sweep).toBe(2);
    expect(lookups.started).toEqual(['d0.test', 'd1.test']);
  });

  it('sweeps on its own timer once started', async () => {
    const lookups = new Lookups();
    let sweeps = 0;
    const recheck = new DnsRecheck({ dueForRecheck: () => (sweeps++, []), check: lookups.check }, { log, sweepMs: 5 });
    recheck.start();
    try {
      await eventually(() => expect(sweeps).toBeGreaterThanOrEqual(3), { intervalMs: 5 });
    } finally {
      await recheck.stop();
    }
  });
});

describe('a custom domain looked up again', () => {
  let dir: string;
  let db: Db;
  let stores: Stores;
  let answer: DnsStatus | null;
  let domains: CustomDomains;
  let now = T0;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyhost-dns-'));
    db = openDatabase(path.join(dir, 'pyhost.db'));
    stores = openStores(db);
    const config = loadConfig({ PYHOST_DATA: dir, PYHOST_DOMAIN: 'pyhost.test' });
    domains = new CustomDomains({
      config, meta: stores.meta, store: stores.customDomains, limits: { of: () => { throw new Error('not asked'); } }, domainsOf: () => [],
      dns: { lookup: async () => answer }, clock: () => now,
    });
  });
  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stays ok, and routed, while the resolver does not answer; is pending when its record is gone', async () => {
    const ann = stores.users.insert('ann', 'x', false);
    stores.customDomains.claimed('www.ann.test', ann.id);
    answer = { status: 'ok', found: null };
    await domains.check('ann', 'www.ann.test');
    expect(stores.customDomains.byDomain('www.ann.test')).toMatchObject({ dns_status: 'ok', checked_at: iso(T0) });

    const version = stores.routeRows.currentVersion();
    answer = null;
    now = T0 + DEFAULT_RECHECK.okMs;
    await domains.check('ann', 'www.ann.test');
    // Untouched: still due, so the next sweep asks again.
    expect(stores.customDomains.byDomain('www.ann.test')).toMatchObject({ dns_status: 'ok', checked_at: iso(T0) });
    expect(domains.dueForRecheck().map((d) => d.domain)).toEqual(['www.ann.test']);
    expect(stores.routeRows.currentVersion()).toBe(version);

    answer = { status: 'pending', found: null };
    await domains.check('ann', 'www.ann.test');
    expect(stores.customDomains.byDomain('www.ann.test')).toMatchObject({ dns_status: 'pending', checked_at: iso(now) });
    expect(stores.routeRows.currentVersion()).toBeGreaterThan(version);
    // Not ok and the resolver silent: pending, as before.
    answer = null;
    now += DEFAULT_RECHECK.notOkMs;
    await domains.check('ann', 'www.ann.test');
    expect(stores.customDomains.byDomain('www.ann.test')).toMatchObject({ dns_status: 'pending', checked_at: iso(now) });
  });

  it('gives a site with a custom domain but no row (made before domains were checked) its row, due at once; not one under the base domain', () => {
    const ann = stores.users.insert('ann', 'x', false);
    db.prepare("INSERT INTO webapps (user_id, domain_name, python_version, created_at, updated_at) VALUES (?, 'www.old.test', '3.11', 'x', 'x'), (?, 'ann.pyhost.test', '3.11', 'x', 'x')").run(ann.id, ann.id);
    expect(domains.view(ann, 'www.old.test')).toMatchObject({ dns_status: 'pending', dns_checked_at: null });
    expect(stores.customDomains.byDomain('www.old.test')).toBeUndefined();
    expect(domains.dueForRecheck()).toEqual([{ username: 'ann', domain: 'www.old.test' }]);
    expect(stores.customDomains.byDomain('ann.pyhost.test')).toBeUndefined();
  });
});
