import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routeFiles, type RouteFiles } from '../../src/domain/layout.js';
import { serializeChanges, serializeSnapshot, type WebappRouteRow } from '../../src/domain/route-snapshot.js';
import { RouteLoader } from '../../src/ingress/route-loader.js';
import { buildRouteTable, type RouteTable } from '../../src/ingress/route-table.js';
import { silentLog } from '../../src/ingress/router-log.js';
import { RoutePublisher } from '../../src/services/platform/route-publisher.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { openStores, type Stores } from '../../src/store/stores.js';

// The route table reaches the router whole once, then as one line per
// change with the rows of the sites it touched (route-publisher.ts,
// route-loader.ts). These check that the table patched by those lines is
// the table built afresh from the store, change after change.

const settings = (dir: string) => ({ dataDir: dir, domain: 'pyhost.test', uidBase: 10_000 });

describe('route changes: the api sends the rows a change touched, the router patches its table', () => {
  let dir: string;
  let db: Db;
  let stores: Stores;
  let files: RouteFiles;
  let publisher: RoutePublisher;
  let loader: RouteLoader;
  const domains = new Set<string>();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'route-changes-'));
    fs.mkdirSync(path.join(dir, 'ingress'));
    db = openDatabase(path.join(dir, 'pyhost.db'));
    stores = openStores(db);
    files = routeFiles(dir);
    publisher = new RoutePublisher(stores.routeRows, files, process.getgid!(), pino({ level: 'silent' }));
    loader = new RouteLoader(files, settings(dir), silentLog);
    domains.clear();
  });

  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const webapp = (userId: number, domain: string) => {
    domains.add(domain);
    return stores.webapps.insert({ user_id: userId, domain_name: domain, python_version: '3.11', source_directory: '/home/x', working_directory: '/home/x' });
  };
  /** What every host looks up to, as comparable plain data. */
  const view = (table: RouteTable) => Object.fromEntries([...domains].map((d) => [d, table.lookup(d)]));
  const rebuilt = () => {
    const s = stores.routeRows.snapshot();
    return buildRouteTable(settings(dir), s.version, s.webapps, s.staticFiles, s.websites);
  };
  /** Publishes, lets the router look, and checks that its patched table is the one built afresh. */
  const inStep = () => {
    publisher.check();
    loader.check();
    expect(loader.table.version).toBe(stores.routeRows.currentVersion());
    expect(view(loader.table)).toEqual(view(rebuilt()));
  };

  it('keeps the patched table equal to a fresh one through every kind of change, appending a line each time', () => {
    const alice = stores.users.insert('alice', 'x', false);
    const bob = stores.users.insert('bob', 'x', false);
    const a1 = webapp(alice.id, 'a1.alice.pyhost.test');
    const a2 = webapp(alice.id, 'www.own.test');
    const b1 = webapp(bob.id, 'b1.bob.pyhost.test');
    stores.webapps.insertStaticFile(a1.id, '/static/', '/home/alice/static');
    domains.add('site.bob.pyhost.test');
    const site = stores.websites.insert(bob.id, 'site.bob.pyhost.test', 'python3 -m http.server', true, '3.11');
    inStep();
    const tableInode = fs.statSync(files.table).ino;
    const steps: [string, () => void][] = [
      ['an app goes to sleep', () => stores.webapps.setSleeping(a1.id, new Date().toISOString())],
      ['it wakes on a new generation', () => { stores.webapps.setSleeping(a1.id, null); stores.webapps.setActiveGeneration(a1.id, 3); }],
      ['it crashes', () => stores.webapps.setCrashed(a1.id, 'boom')],
      ['a static mapping is added', () => stores.webapps.insertStaticFile(a1.id, '/media/', '/home/alice/media')],
      ['a static mapping goes', () => stores.webapps.removeStaticFile(a1.id, stores.webapps.staticFiles(a1.id)[0]!.id)],
      ['an account is disabled: all its sites', () => stores.users.setDisabled(bob.id, 'admin')],
      ['and enabled again', () => stores.users.setDisabled(bob.id, null)],
      ['an account is renamed', () => db.prepare('UPDATE users SET username = ? WHERE id = ?').run('alicia', alice.id)],
      ['a custom domain waits for its DNS', () => stores.customDomains.claimed('www.own.test', alice.id)],
      ['its DNS points here', () => stores.customDomains.checked('www.own.test', { status: 'ok', found: '127.0.0.1' })],
      ['the custom domain is let go', () => stores.customDomains.remove('www.own.test')],
      ['a website is switched off', () => stores.websites.setEnabled(site.id, false)],
      ['a website runs a new generation', () => { stores.websites.setEnabled(site.id, true); stores.websites.setActive(site.id, 2); }],
      ['a website is deleted', () => stores.websites.delete(site.id)],
      ['a web app is deleted', () => stores.webapps.remove(b1.id)],
      ['a web app is created', () => webapp(bob.id, 'b2.bob.pyhost.test')],
      ['two changes between looks', () => { stores.webapps.setCrashed(a1.id, null); stores.webapps.setActiveGeneration(a2.id, 5); }],
    ];
    for (const [what, change] of steps) {
      const before = fs.statSync(files.changes).size;
      change();
      inStep();
      expect({ what, grew: fs.statSync(files.changes).size > before }).toEqual({ what, grew: true });
    }
    expect(fs.statSync(files.table).ino).toBe(tableInode);
    // A router started now reads the table and every line after it, and has the same.
    const fresh = new RouteLoader(files, settings(dir), silentLog);
    fresh.check();
    expect(view(fresh.table)).toEqual(view(loader.table));
    // The rows told are gone from the store.
    expect(db.prepare('SELECT COUNT(*) AS n FROM route_changes').get()).toEqual({ n: 0 });
  });

  it('sends only the rows of the sites that changed', () => {
    const alice = stores.users.insert('alice', 'x', false);
    const apps = Array.from({ length: 50 }, (_, i) => webapp(alice.id, `app${i}.alice.pyhost.test`));
    inStep();
    const before = fs.statSync(files.changes).size;
    stores.webapps.setSleeping(apps[7]!.id, new Date().toISOString());
    inStep();
    const line = fs.readFileSync(files.changes, 'utf8').slice(before);
    expect((JSON.parse(line) as { webapps: WebappRouteRow[] }).webapps.map((w) => w.domain_name)).toEqual(['app7.alice.pyhost.test']);
  });

  it('starts afresh from the whole table once the lines outgrow it, and the router follows', () => {
    const alice = stores.users.insert('alice', 'x', false);
    const app = webapp(alice.id, 'a.alice.pyhost.test');
    inStep();
    const first = fs.statSync(files.table).ino;
    let generation = 1;
    // Each line is a few hundred bytes; the files start afresh past 256 KiB.
    while (fs.statSync(files.table).ino === first) {
      stores.webapps.setActiveGeneration(app.id, ++generation);
      inStep();
      expect(generation).toBeLessThan(10_000);
    }
    expect(fs.statSync(files.changes).size).toBe(0);
    stores.webapps.setActiveGeneration(app.id, ++generation);
    inStep();
    expect(loader.table.lookup('a.alice.pyhost.test')).toMatchObject({ socketPath: expect.stringContaining(`g${generation}`) });
  });

  it('moves hosts_version (the certificate renewer\'s cue) when served names may change, not when an app sleeps or wakes', () => {
    const alice = stores.users.insert('alice', 'x', false);
    const version = () => stores.routeRows.hostsVersion();
    let seen = version();
    const moved = () => {
      const now = version();
      const did = now !== seen;
      seen = now;
      return did;
    };
    const app = webapp(alice.id, 'a.alice.pyhost.test');
    expect(moved()).toBe(true);
    stores.webapps.setSleeping(app.id, new Date().toISOString());
    stores.webapps.setSleeping(app.id, null);
    stores.webapps.setActiveGeneration(app.id, 4);
    stores.webapps.setCrashed(app.id, 'boom');
    expect(moved()).toBe(false);
    stores.users.setDisabled(alice.id, 'admin');
    expect(moved()).toBe(true);
    stores.customDomains.claimed('a.alice.pyhost.test', alice.id);
    expect(moved()).toBe(true);
    stores.customDomains.checked('a.alice.pyhost.test', { status: 'wrong', found: '192.0.2.1' });
    expect(moved()).toBe(false);
    stores.customDomains.checked('a.alice.pyhost.test', { status: 'ok', found: '127.0.0.1' });
    expect(moved()).toBe(true);
    stores.webapps.remove(app.id);
    expect(moved()).toBe(true);
  });

  it('reads whole lines only, and ignores lines of another table', () => {
    const row: WebappRouteRow = {
      id: 1, user_id: 1, username: 'alice', domain_name: 'a.alice.pyhost.test', enabled: 1, account_disabled: 0, dns_pending: 0, active_generation: 1, sleeping: 0, crashed: 0,
      force_https: 0, hsts_enabled: 0, password_protection_enabled: 0, password_protection_username: null, password_protection_hash: null,
    };
    const change = (epoch: string, version: number, over: Partial<WebappRouteRow>) =>
      serializeChanges({ epoch, version, webapps: [{ ...row, ...over }], staticFiles: [], websites: [], removedWebapps: [], removedWebsites: [] });
    fs.writeFileSync(files.table, serializeSnapshot({ version: 1, epoch: 'one', webapps: [row], staticFiles: [], websites: [] }));
    const line = change('one', 2, { sleeping: 1 });
    fs.writeFileSync(files.changes, change('two', 5, { crashed: 1 }) + line.slice(0, 20));
    loader.check();
    expect(loader.table.lookup('a.alice.pyhost.test')).toMatchObject({ sleeping: false, crashed: false });
    expect(loader.table.version).toBe(1);
    fs.appendFileSync(files.changes, line.slice(20));
    loader.check();
    expect(loader.table.lookup('a.alice.pyhost.test')).toMatchObject({ sleeping: true, crashed: false });
    expect(loader.table.version).toBe(2);
    expect(loader.table.isAsleep(1)).toBe(true);
  });
});
