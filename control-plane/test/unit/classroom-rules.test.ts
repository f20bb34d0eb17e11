import { describe, expect, it } from 'vitest';
import { applyOverrides, effectiveLimits, overLimit, parseOverrides, validateOverrides } from '../../src/domain/limits.js';
import { roleOver, type Principal } from '../../src/domain/principal.js';
import { AuditLog } from '../../src/services/accounts/audit-log.js';
import { LiveConnections } from '../../src/services/accounts/live-connections.js';
import type { AuditStore, NewAuditEntry } from '../../src/store/audit-store.js';
import { userRow } from '../helpers/rows.js';

const principal = (over: Partial<Principal> = {}): Principal => ({ userId: 1, username: 'tess', isAdmin: false, isTeacher: false, via: 'token', ...over });

describe('who may act on whose things', () => {
  it.each([
    ['the owner', principal(), { id: 1, teacher_id: null }, 'owner'],
    ['an admin', principal({ isAdmin: true }), { id: 2, teacher_id: null }, 'admin'],
    ['their teacher', principal({ isTeacher: true }), { id: 2, teacher_id: 1 }, 'teacher'],
    ['a teacher of others', principal({ isTeacher: true }), { id: 2, teacher_id: 3 }, null],
    ['a former teacher, no longer a teacher', principal({ isTeacher: false }), { id: 2, teacher_id: 1 }, null],
    ['anyone else', principal(), { id: 2, teacher_id: null }, null],
  ] as const)('%s', (_name, p, owner, role) => expect(roleOver(p, owner)).toBe(role));
});

describe('limits', () => {
  const defaults = { webapps: 5, consoles: 5, workers: 4, memory_mb: 512, custom_domains: 1, daily_cpu_seconds: 0, disk_mb: 0, sleep_after_seconds: 0, awake_webapps: 0 };

  it('takes overrides over the defaults and ignores stored junk', () => {
    expect(effectiveLimits(defaults, parseOverrides('{"webapps": 1, "workers": 0, "memory_mb": "lots", "colour": 3}'))).toEqual({ ...defaults, webapps: 1 });
    expect(parseOverrides('not json')).toEqual({});
    expect(parseOverrides('[1]')).toEqual({});
  });

  it('refuses unknown names and out-of-range values, naming the field', () => {
    expect(() => validateOverrides({ colour: 1 })).toThrow(expect.objectContaining({ field: 'limits.colour' }));
    expect(() => validateOverrides({ workers: 0 })).toThrow(expect.objectContaining({ field: 'limits.workers' }));
    expect(() => validateOverrides({ webapps: 1.5 })).toThrow(/whole number/);
    expect(validateOverrides({ webapps: 0, consoles: null })).toEqual({ webapps: 0, consoles: null });
    // Where the body is the limits themselves, the field is the limit's name.
    expect(() => validateOverrides({ workers: 17 }, '')).toThrow(expect.objectContaining({ field: 'workers', message: 'workers must be a whole number from 1 to 16, or null for the default' }));
  });

  it('removes an override set to null', () => {
    expect(JSON.parse(applyOverrides('{"webapps":1,"consoles":2}', { webapps: null, workers: 3 }))).toEqual({ consoles: 2, workers: 3 });
  });

  it('says which limit was reached and its value', () => {
    expect(overLimit('webapps', { ...defaults, webapps: 2 }).message).toBe(`your account's limit is 2 web apps (limit "webapps"); an administrator can raise it`);
    expect(overLimit('consoles', { ...defaults, consoles: 1 }, 'close one first').message).toBe(
      `your account's limit is 1 console open at once (limit "consoles"); close one first, or ask an administrator to raise it`,
    );
  });
});

describe('live connections', () => {
  it('ends what a user opened, what shows their things, or one teacher\'s view of one student', () => {
    const live = new LiveConnections();
    const closed: string[] = [];
    const open = (name: string, principalId: number, ownerId: number) => live.track({ principalId, ownerId, close: () => closed.push(name) });
    open('ann-own', 2, 2);
    open('tess-on-ann', 1, 2);
    open('tess-on-bob', 1, 3);
    const forgetBob = open('bob-own', 3, 3);
    forgetBob();
    live.endAccess(1, 2, 'removed');
    expect(closed).toEqual(['tess-on-ann']);
    live.endUser(3, 'disabled');
    expect(closed).toEqual(['tess-on-ann', 'tess-on-bob']);
    live.endOpenedBy(2, 'password reset');
    expect(closed).toEqual(['tess-on-ann', 'tess-on-bob', 'ann-own']);
    expect(live.size).toBe(0);
  });
});

describe('audit log', () => {
  it('records every change, and a repeated look once per ten minutes; nothing of the owner\'s own', () => {
    const inserted: NewAuditEntry[] = [];
    const store = { insert: (e: NewAuditEntry) => inserted.push(e) } as unknown as AuditStore;
    let now = 0;
    const log = new AuditLog(store, () => now);
    const ann = userRow({ id: 2, username: 'ann', teacher_id: 1 });
    const tess = principal({ isTeacher: true });
    const req = (method: string, path: string) => ({ principal: tess, owner: ann, role: 'teacher' as const, method, path, status: 200 });
    log.record(req('GET', '/files/path/home/ann/app.py'));
    log.record(req('GET', '/files/path/home/ann/app.py'));
    log.record(req('POST', '/files/path/home/ann/app.py'));
    log.record(req('POST', '/files/path/home/ann/app.py'));
    log.record({ ...req('GET', '/webapps/'), principal: principal({ userId: 2, username: 'ann' }), role: 'owner' });
    now += 10 * 60 * 1000;
    log.record(req('GET', '/files/path/home/ann/app.py'));
    expect(inserted.map((e) => `${e.method} ${e.actor_username}`)).toEqual(['GET tess', 'POST tess', 'POST tess', 'GET tess']);
    expect(inserted[0]).toMatchObject({ subject_id: 2, actor_id: 1, actor_role: 'teacher', path: '/files/path/home/ann/app.py', status: 200 });
  });
});
