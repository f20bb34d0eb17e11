import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { createInvite, createTeacher, signupWithCode, userId } from '../helpers/classroom.js';
import { adminToken, asToken, createTestApp, createUser, sessionCookieOf, uniqueName, type TestApp, type TestUser } from '../helpers/test-app.js';

// Invite codes, from the teacher who makes one to the learner who signs up
// with it, on a real SQLite file and the fake engine. Who may call each
// route is in the authorization matrix; this is what the routes do.

const DAY = 24 * 60 * 60 * 1000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

describe('invite codes', () => {
  let t: TestApp;
  let teacher: TestUser;
  let admin: string;
  /** Moves the app's clock (the codes' expiry) forward; back to 0 before each test. */
  let offset = 0;

  beforeAll(async () => {
    t = await createTestApp({}, { clock: () => Date.now() + offset });
    teacher = await createTeacher(t.app);
    admin = await adminToken(t.app);
  });
  afterAll(() => t.close());
  beforeEach(() => {
    offset = 0;
    t.app.services.settings.setSignupMode('invite');
  });

  const invites = (token: string) => t.app.inject({ url: '/api/teaching/invites', headers: asToken(token) });
  const post = (token: string, payload: object) => t.app.inject({ method: 'POST', url: '/api/teaching/invites', headers: asToken(token), payload });
  const withdraw = (token: string, id: number) => t.app.inject({ method: 'DELETE', url: `/api/teaching/invites/${id}`, headers: asToken(token) });
  const check = (code: string) => t.app.inject({ url: `/api/auth/invite?code=${encodeURIComponent(code)}` });
  const rowOf = (username: string) => t.app.stores.users.byUsername(username);
  const listed = async (token: string, id: number) => (await invites(token)).json<{ invites: { id: number; uses: number; status: string }[] }>().invites.find((i) => i.id === id);

  /** The refusal a sign-up gets: its status and the message the sign-up page shows. */
  async function refused(code: string | undefined, username = uniqueName('st')) {
    const res = await signupWithCode(t.app, code, username);
    expect(rowOf(username), `${username} was created: ${res.body}`).toBeUndefined();
    expect(fs.existsSync(userDirs(t.dataDir, username).home)).toBe(false);
    return [res.statusCode, res.json<{ detail: string }>().detail] as const;
  }

  describe('made by a teacher', () => {
    it('are shown once, as a code and a sign-up link; the list never shows the code again', async () => {
      const res = await post(teacher.token, { label: 'Tuesday class', max_uses: 30, expires_at: inDays(7), accounts_expire_at: inDays(30) });
      expect(res.statusCode, res.body).toBe(201);
      const made = res.json();
      expect(made).toMatchObject({
        label: 'Tuesday class',
        created_by: teacher.username,
        max_uses: 30,
        uses: 0,
        expires_at: `${inDays(7)}T00:00:00.000Z`,
        accounts_expire_at: `${inDays(30)}T00:00:00.000Z`,
        limits: {},
        revoked_at: null,
        status: 'active',
      });
      expect(made.code).toMatch(/^\S{20,}$/);
      const link = new URL(made.link);
      expect(link.pathname).toBe('/signup');
      expect(link.searchParams.get('code')).toBe(made.code);

      const list = await invites(teacher.token);
      expect(list.statusCode).toBe(200);
      const { code, link: _link, ...rest } = made;
      expect(list.json().invites[0]).toEqual(rest);
      expect(list.body).not.toContain(code);
      for (const listedInvite of list.json().invites) expect(Object.keys(listedInvite)).not.toEqual(expect.arrayContaining(['code']));
      for (const listedInvite of list.json().invites) expect(Object.keys(listedInvite)).not.toEqual(expect.arrayContaining(['link']));
      // Only its hash is kept.
      expect(JSON.stringify(t.app.stores.inviteCodes.list())).not.toContain(code);
      // Two codes are never the same.
      expect((await createInvite(t.app, teacher)).code).not.toBe(code);
    });

    it("make whoever signs up with one the maker's student, with the code's account expiry, and logged in", async () => {
      const made = await createInvite(t.app, teacher, { accounts_expire_at: inDays(14) });
      const username = uniqueName('st');
      const res = await signupWithCode(t.app, made.code, username);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ username, is_admin: false });
      // Signed in at once, and told who their teacher is.
      const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie: sessionCookieOf(res) } });
      expect(me.json()).toMatchObject({ username, teacher: teacher.username, expires_at: `${inDays(14)}T00:00:00.000Z`, is_teacher: false });
      expect(rowOf(username)!.teacher_id).toBe(userId(t.app, teacher));

      const students = await t.app.inject({ url: '/api/teaching/students', headers: asToken(teacher.token) });
      expect(students.json().students).toContainEqual(expect.objectContaining({ username, expires_at: `${inDays(14)}T00:00:00.000Z`, disabled: false, last_login_at: expect.any(String) }));
      const pa = await t.app.inject({ url: `/api/v0/user/${teacher.username}/students/`, headers: asToken(teacher.token) });
      expect(pa.json().students).toContainEqual({ username });
      expect(await listed(teacher.token, made.id)).toMatchObject({ uses: 1, status: 'active' });
    });

    it('are listed newest first, only their maker\u2019s; an admin sees everyone\u2019s', async () => {
      const other = await createTeacher(t.app);
      const a = await createInvite(t.app, other, { label: 'a' });
      const b = await createInvite(t.app, other, { label: 'b' });
      const mine = (await invites(other.token)).json().invites;
      expect(mine.map((i: { id: number }) => i.id)).toEqual([b.id, a.id]);
      const all = (await invites(admin)).json().invites.map((i: { id: number; created_by: string }) => [i.id, i.created_by]);
      expect(all).toContainEqual([a.id, other.username]);
      expect(all.some(([, by]: [number, string]) => by === teacher.username)).toBe(true);
      expect((await invites(teacher.token)).json().invites.some((i: { id: number }) => i.id === a.id)).toBe(false);
    });

    it('cannot be made by an account that is not a teacher', async () => {
      const learner = await createUser(t.app);
      for (const res of [await post(learner.token, {}), await invites(learner.token)]) {
        expect(res.statusCode, res.body).toBe(403);
      }
      expect(t.app.stores.inviteCodes.list(userId(t.app, learner))).toEqual([]);
    });

    it('carry limits only when an admin makes them; the accounts made get them', async () => {
      const byTeacher = await post(teacher.token, { limits: { webapps: 5 } });
      expect([byTeacher.statusCode, byTeacher.json().detail]).toEqual([403, 'only an administrator may give an invite code its own limits']);
      expect((await post(teacher.token, { limits: {} })).statusCode).toBe(201);

      const made = await createInvite(t.app, admin, { limits: { webapps: 1, consoles: 2 } });
      expect(made.limits).toEqual({ webapps: 1, consoles: 2 });
      const username = uniqueName('st');
      expect((await signupWithCode(t.app, made.code, username)).statusCode).toBe(201);
      const student = rowOf(username)!;
      expect(t.app.services.limits.view(student).overrides).toEqual({ webapps: 1, consoles: 2 });
      // The admin who made it is the new account's teacher.
      expect(student.teacher_id).toBe(rowOf('root1')!.id);
      // The limit holds: one web app, not two.
      const session = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'student-password-1' } });
      const headers = { cookie: sessionCookieOf(session), 'x-csrf-token': session.json().csrf_token };
      const create = (name: string) =>
        t.app.inject({ method: 'POST', url: `/api/v0/user/${username}/webapps/`, headers, payload: { domain_name: `${name}.${username}.localhost` } });
      expect((await create('one')).statusCode).toBe(201);
      const second = await create('two');
      expect([second.statusCode, second.json().detail]).toEqual([409, expect.stringContaining('limit "webapps"')]);
    });

    it('refuse bad input with the field at fault, and make nothing', async () => {
      const before = t.app.stores.inviteCodes.list().length;
      const cases: [object, string][] = [
        [{ max_uses: 0 }, 'max_uses'],
        [{ max_uses: 1.5 }, 'max_uses'],
        [{ max_uses: 10_001 }, 'max_uses'],
        [{ label: 'x'.repeat(101) }, 'label'],
        [{ expires_at: 'next tuesday' }, 'expires_at'],
        [{ expires_at: '2020-01-01' }, 'expires_at'],
        [{ expires_at: '2031-02-31' }, 'expires_at'],
        [{ expires_at: '2031-02-01T10:00' }, 'expires_at'],
        [{ accounts_expire_at: '2020-01-01' }, 'accounts_expire_at'],
        [{ colour: 'red' }, 'colour'],
      ];
      for (const [payload, field] of cases) {
        const res = await post(teacher.token, payload);
        expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(400);
        expect(res.json(), JSON.stringify(payload)).toMatchObject({ field });
      }
      for (const [payload, field] of [[{ limits: { webapps: -1 } }, 'webapps'], [{ limits: { colour: 1 } }, 'colour'], [{ limits: { webapps: 'lots' } }, 'webapps']] as const) {
        const res = await post(admin, payload);
        expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(400);
        expect(res.json().field, JSON.stringify(payload)).toContain(field);
      }
      expect(t.app.stores.inviteCodes.list().length).toBe(before);
    });

    it('cannot be made while sign-up is closed', async () => {
      t.app.services.settings.setSignupMode('closed');
      const res = await post(teacher.token, {});
      expect([res.statusCode, res.json().detail]).toEqual([409, expect.stringContaining('sign-up is closed')]);
    });
  });

  describe('max_uses', () => {
    it('lets that many accounts in, then says the code is used up', async () => {
      const made = await createInvite(t.app, teacher, { max_uses: 2 });
      for (let i = 0; i < 2; i++) expect((await signupWithCode(t.app, made.code)).statusCode).toBe(201);
      expect(await refused(made.code)).toEqual([403, 'this invite code has been used up (2 of 2 uses): ask your teacher for a new one']);
      expect(await listed(teacher.token, made.id)).toMatchObject({ uses: 2, status: 'used_up' });
      expect((await check(made.code)).json()).toMatchObject({ valid: false, reason: expect.stringContaining('used up') });
    });

    it('lets exactly one of two simultaneous sign-ups take the last use', async () => {
      for (let round = 0; round < 4; round++) {
        const made = await createInvite(t.app, teacher, { max_uses: round + 1 });
        for (let i = 0; i < round; i++) expect((await signupWithCode(t.app, made.code)).statusCode).toBe(201);
        const names = [uniqueName('race'), uniqueName('race')];
        const answers = await Promise.all(names.map((n) => signupWithCode(t.app, made.code, n)));
        expect(answers.map((a) => a.statusCode).sort(), `round ${round}`).toEqual([201, 403]);
        const loser = answers.findIndex((a) => a.statusCode === 403);
        expect(answers[loser]!.json().detail).toContain('used up');
        expect(rowOf(names[loser]!)).toBeUndefined();
        expect(rowOf(names[1 - loser]!)!.teacher_id).toBe(userId(t.app, teacher));
        expect(await listed(teacher.token, made.id)).toMatchObject({ uses: round + 1, status: 'used_up' });
      }
    });

    it('are not taken by the loser of two simultaneous sign-ups for the same name', async () => {
      const made = await createInvite(t.app, teacher, { max_uses: 2 });
      const name = uniqueName('twin');
      const answers = await Promise.all([signupWithCode(t.app, made.code, name), signupWithCode(t.app, made.code, name)]);
      expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409]);
      expect(answers.find((a) => a.statusCode === 409)!.json().detail).toBe(`the username "${name}" is taken`);
      expect(await listed(teacher.token, made.id)).toMatchObject({ uses: 1, status: 'active' });
    });

    it('are not taken by a sign-up that fails (bad password, a taken name)', async () => {
      const made = await createInvite(t.app, teacher, { max_uses: 1 });
      const weak = await t.app.inject({ method: 'POST', url: '/api/auth/signup', payload: { username: uniqueName('st'), password: 'x', code: made.code } });
      expect(weak.statusCode).toBe(400);
      const taken = await signupWithCode(t.app, made.code, teacher.username);
      expect(taken.statusCode).toBe(409);
      expect(rowOf(teacher.username)!.teacher_id).toBeNull();
      expect(await listed(teacher.token, made.id)).toMatchObject({ uses: 0, status: 'active' });
      expect((await signupWithCode(t.app, made.code)).statusCode).toBe(201);
    });
  });

  describe('refused codes', () => {
    it('an expired code, naming the day it expired', async () => {
      const made = await createInvite(t.app, teacher, { expires_at: inDays(2) });
      expect((await check(made.code)).json().valid).toBe(true);
      offset = 3 * DAY;
      expect(await refused(made.code)).toEqual([403, `this invite code expired on ${inDays(2)}: ask your teacher for a new one`]);
      expect(await listed(teacher.token, made.id)).toMatchObject({ status: 'expired', uses: 0 });
      expect((await check(made.code)).json()).toEqual({ valid: false, teacher: null, accounts_expire_at: null, reason: expect.stringContaining('expired') });
    });

    it('a code whose accounts would already have expired (a workshop that is over)', async () => {
      const made = await createInvite(t.app, teacher, { accounts_expire_at: inDays(1) });
      offset = 2 * DAY;
      expect(await refused(made.code)).toEqual([403, `the accounts this invite code makes expired on ${inDays(1)}: ask your teacher for a new one`]);
      // Its maker sees it as expired, not as a code that still works.
      expect(await listed(teacher.token, made.id)).toMatchObject({ status: 'expired', uses: 0 });
      expect((await check(made.code)).json()).toMatchObject({ valid: false, reason: expect.stringContaining('the accounts this invite code makes expired') });
    });

    it('a withdrawn code; withdrawing is for its maker and admins', async () => {
      const made = await createInvite(t.app, teacher);
      const other = await createTeacher(t.app);
      const stranger = await withdraw(other.token, made.id);
      expect([stranger.statusCode, stranger.json().detail]).toEqual([404, `no invite code ${made.id} of yours`]);
      expect((await withdraw(teacher.token, 999_999)).statusCode).toBe(404);
      expect((await check(made.code)).json().valid).toBe(true);

      expect((await withdraw(teacher.token, made.id)).statusCode).toBe(204);
      expect(await refused(made.code)).toEqual([403, 'this invite code was withdrawn: ask your teacher for a new one']);
      expect(await listed(teacher.token, made.id)).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });
      // Again, and by an admin: still withdrawn, still 204.
      expect((await withdraw(teacher.token, made.id)).statusCode).toBe(204);
      const another = await createInvite(t.app, teacher);
      expect((await withdraw(admin, another.id)).statusCode).toBe(204);
      expect(await refused(another.code)).toEqual([403, expect.stringContaining('withdrawn')]);
    });

    it('a code nobody made, or cut short', async () => {
      const made = await createInvite(t.app, teacher);
      const unknown = [403, 'this invite code is not known here: check that you copied the whole link, or ask your teacher for a new one'];
      expect(await refused('not-a-code')).toEqual(unknown);
      expect(await refused(made.code.slice(0, -1))).toEqual(unknown);
      expect((await check('not-a-code')).json()).toEqual({ valid: false, teacher: null, accounts_expire_at: null, reason: unknown[1] });
      const empty = await signupWithCode(t.app, '');
      expect(empty.statusCode).toBe(400);
    });

    it("a code whose maker is no longer a teacher", async () => {
      const former = await createTeacher(t.app);
      const made = await createInvite(t.app, former);
      t.app.stores.users.update(userId(t.app, former), { isTeacher: false });
      expect(await refused(made.code)).toEqual([403, expect.stringContaining('the teacher who made it takes no students now')]);
      expect((await check(made.code)).json().valid).toBe(false);
    });
  });

  describe('sign-up modes', () => {
    it('closed: nobody signs up, even with a valid code', async () => {
      const made = await createInvite(t.app, teacher);
      t.app.services.settings.setSignupMode('closed');
      expect(await refused(made.code)).toEqual([403, 'Sign-up is closed on this Pyhost: ask an administrator to create your account']);
      expect(await refused(undefined)).toEqual([403, 'Sign-up is closed on this Pyhost: ask an administrator to create your account']);
      // The sign-up page is told so, rather than offered an account it cannot have.
      expect((await check(made.code)).json()).toEqual({
        valid: false, teacher: null, accounts_expire_at: null, reason: 'Sign-up is closed on this Pyhost: ask an administrator to create your account',
      });
      expect(await listed(teacher.token, made.id)).toMatchObject({ uses: 0 });
      // An admin still creates accounts.
      const byAdmin = await t.app.inject({ method: 'POST', url: '/api/auth/signup', headers: asToken(admin), payload: { username: uniqueName('ad'), password: 'student-password-1' } });
      expect(byAdmin.statusCode).toBe(201);
    });

    it('invite: a code is needed', async () => {
      expect(await refused(undefined)).toEqual([403, 'Sign-up on this Pyhost needs an invite code: use the link your teacher or administrator gave you']);
      const made = await createInvite(t.app, teacher);
      expect((await signupWithCode(t.app, made.code)).statusCode).toBe(201);
    });

    it('open: anyone signs up without a code (no teacher); with one they become a student', async () => {
      t.app.services.settings.setSignupMode('open');
      const alone = uniqueName('op');
      expect((await signupWithCode(t.app, undefined, alone)).statusCode).toBe(201);
      expect(rowOf(alone)).toMatchObject({ teacher_id: null, expires_at: null });
      const made = await createInvite(t.app, teacher);
      const student = uniqueName('op');
      expect((await signupWithCode(t.app, made.code, student)).statusCode).toBe(201);
      expect(rowOf(student)!.teacher_id).toBe(userId(t.app, teacher));
      // A bad code is still refused, rather than quietly making an account without a teacher.
      expect(await refused('not-a-code')).toEqual([403, expect.stringContaining('not known here')]);
    });
  });

  describe('GET /api/auth/invite', () => {
    it('tells the sign-up page whose student the code makes you and when the account ends', async () => {
      const made = await createInvite(t.app, teacher, { accounts_expire_at: inDays(5) });
      const res = await check(made.code);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ valid: true, teacher: teacher.username, accounts_expire_at: `${inDays(5)}T00:00:00.000Z` });
      const plain = await createInvite(t.app, teacher);
      expect((await check(plain.code)).json()).toEqual({ valid: true, teacher: teacher.username, accounts_expire_at: null });
      // Checking takes no use.
      expect(await listed(teacher.token, made.id)).toMatchObject({ uses: 0 });
    });

    it('refuses a missing or oversized code with a 400', async () => {
      expect((await t.app.inject({ url: '/api/auth/invite' })).statusCode).toBe(400);
      expect((await t.app.inject({ url: '/api/auth/invite?code=' })).statusCode).toBe(400);
      expect((await check('x'.repeat(201))).statusCode).toBe(400);
    });
  });
});
