import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { userDirs } from '../../src/domain/layout.js';
import { createTeacher, nameTeacher, userId } from '../helpers/classroom.js';
import { eventually } from '../helpers/eventually.js';
import { adminToken, asToken, createTestApp, createUser, multipart, type TestApp, type TestUser } from '../helpers/test-app.js';

// A teacher and their students: naming a teacher, the teacher working on a
// student's things with their own token, the student's audit log of it,
// and every way the relation ends (access, and what was open, end with it).
// The console's WebSocket on a real engine: test/runtime/teacher-console.docker.test.ts.

interface AuditEntry {
  id: number;
  actor: string;
  role: 'teacher' | 'admin';
  method: string;
  path: string;
  status: number;
  at: string;
}

/** A Server-Sent Events response read as it arrives; `ended` resolves when the server ends it. */
function follow(body: ReadableStream<Uint8Array>) {
  let text = '';
  const decoder = new TextDecoder();
  const ended = (async () => {
    const reader = body.getReader();
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { ended, text: () => text };
}

describe('teachers and students', () => {
  let t: TestApp;
  let base: string;
  /** Moves the app's clock forward (the audit log's "once per ten minutes" for repeated reads). */
  let offset = 0;
  const aborts: AbortController[] = [];

  beforeAll(async () => {
    t = await createTestApp({}, { clock: () => Date.now() + offset });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const a of aborts) a.abort();
    await t.close();
  });
  beforeEach(() => {
    offset = 0;
  });

  const v0 = (owner: TestUser, rest: string) => `/api/v0/user/${owner.username}/${rest}`;
  const as = (caller: TestUser | string, method: 'GET' | 'POST' | 'DELETE' | 'PUT', url: string, extra: { payload?: unknown; headers?: Record<string, string> } = {}) =>
    t.app.inject({
      method,
      url,
      headers: { ...asToken(typeof caller === 'string' ? caller : caller.token), ...(extra.headers ?? {}) },
      ...(extra.payload === undefined ? {} : { payload: extra.payload as string }),
    });
  const auditOf = async (student: TestUser, query = '') => {
    const res = await as(student, 'GET', `/api/auth/audit${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ entries: AuditEntry[] }>().entries;
  };
  const putTeacher = (student: TestUser, username: string) => as(student, 'PUT', '/api/auth/teacher', { payload: { username } });
  const teacherOf = (student: TestUser) => t.app.stores.users.byUsername(student.username)!.teacher_id;

  /** A teacher with one student who has a web app and a file. */
  async function classOfOne() {
    const teacher = await createTeacher(t.app);
    const student = await createUser(t.app);
    await nameTeacher(t.app, student, teacher);
    expect((await as(student, 'POST', v0(student, 'webapps/'), { payload: {} })).statusCode).toBe(201);
    const upload = multipart('print("hello")\n');
    expect((await as(student, 'POST', v0(student, `files/path/home/${student.username}/hello.py`), upload)).statusCode).toBe(201);
    return { teacher, student };
  }

  /** What the teacher gets on the student's things, route by route. */
  async function teacherSees(teacher: TestUser, student: TestUser) {
    return {
      files: (await as(teacher, 'GET', v0(student, `files/path/home/${student.username}/hello.py`))).statusCode,
      webapps: (await as(teacher, 'GET', v0(student, 'webapps/'))).statusCode,
      consoles: (await as(teacher, 'GET', v0(student, 'consoles/'))).statusCode,
    };
  }
  const SEES = { files: 200, webapps: 200, consoles: 200 };
  const SEES_NOTHING = { files: 404, webapps: 404, consoles: 404 };

  async function openStream(caller: TestUser, student: TestUser) {
    const abort = new AbortController();
    aborts.push(abort);
    const url = `${base}${v0(student, `webapps/${student.username}.localhost/logs/error/stream/`)}`;
    const res = await fetch(url, { headers: asToken(caller.token), signal: abort.signal });
    expect(res.status).toBe(200);
    return follow(res.body!);
  }
  const errorLog = (student: TestUser) => path.join(userDirs(t.dataDir, student.username).log, `${student.username}.localhost.error.log`);

  describe('naming a teacher', () => {
    it('makes that teacher the student\u2019s, shown on both sides', async () => {
      const teacher = await createTeacher(t.app);
      const student = await createUser(t.app);
      const res = await putTeacher(student, teacher.username);
      expect([res.statusCode, res.json()]).toEqual([200, { teacher: teacher.username }]);
      expect((await as(student, 'GET', '/api/auth/me')).json().teacher).toBe(teacher.username);
      expect((await as(teacher, 'GET', '/api/teaching/students')).json().students).toEqual([
        { username: student.username, webapps: [], consoles: 0, last_login_at: expect.any(String), expires_at: null, disabled: false },
      ]);
      expect((await as(teacher, 'GET', v0(teacher, 'students/'))).json()).toEqual({ students: [{ username: student.username }] });
    });

    it('accepts only a teacher, never oneself, and says the same for a name nobody has', async () => {
      const teacher = await createTeacher(t.app);
      const student = await createUser(t.app);
      const plain = await createUser(t.app);
      await nameTeacher(t.app, student, teacher);
      for (const name of [plain.username, 'nobody-by-this-name']) {
        const res = await putTeacher(student, name);
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()).toMatchObject({
          field: 'username',
          detail: `there is no teacher "${name}" here: check the spelling with your teacher (an administrator marks accounts as teachers)`,
        });
      }
      const self = await putTeacher(teacher, teacher.username);
      expect([self.statusCode, self.json().detail, self.json().field]).toEqual([400, 'you cannot be your own teacher', 'username']);
      // A refused change keeps the teacher they had.
      expect(teacherOf(student)).toBe(userId(t.app, teacher));
      for (const payload of [{}, { username: '' }, { username: teacher.username, extra: 1 }, { username: 'x'.repeat(65) }]) {
        expect((await as(student, 'PUT', '/api/auth/teacher', { payload })).statusCode, JSON.stringify(payload)).toBe(400);
      }
    });

    it('refuses a disabled teacher', async () => {
      const teacher = await createTeacher(t.app);
      const student = await createUser(t.app);
      t.app.stores.users.setDisabled(userId(t.app, teacher), 'admin');
      expect((await putTeacher(student, teacher.username)).statusCode).toBe(400);
      expect(teacherOf(student)).toBeNull();
    });

    it('to another teacher ends the first one\u2019s access, and what they had open', async () => {
      const { teacher, student } = await classOfOne();
      const next = await createTeacher(t.app);
      const stream = await openStream(teacher, student);
      expect((await putTeacher(student, next.username)).statusCode).toBe(200);
      await stream.ended;
      expect(await teacherSees(teacher, student)).toEqual(SEES_NOTHING);
      expect(await teacherSees(next, student)).toEqual(SEES);
    });
  });

  describe("the teacher on the student's things", () => {
    it('works with the teacher\u2019s own token: files, web apps, consoles', async () => {
      const { teacher, student } = await classOfOne();
      expect(await teacherSees(teacher, student)).toEqual(SEES);
      const file = await as(teacher, 'GET', v0(student, `files/path/home/${student.username}/hello.py`));
      expect(file.body).toBe('print("hello")\n');
      const apps = await as(teacher, 'GET', v0(student, 'webapps/'));
      expect(apps.json().map((a: { domain_name: string }) => a.domain_name)).toEqual([`${student.username}.localhost`]);
      // A change, too: the file is the student's, as if they had written it.
      const upload = multipart('print("fixed")\n');
      expect((await as(teacher, 'POST', v0(student, `files/path/home/${student.username}/hello.py`), upload)).statusCode).toBe(200);
      expect(fs.readFileSync(path.join(userDirs(t.dataDir, student.username).home, 'hello.py'), 'utf8')).toBe('print("fixed")\n');
    });

    it('lands in the student\u2019s audit log, newest first, refused requests too; the student\u2019s own requests do not', async () => {
      const { teacher, student } = await classOfOne();
      expect(await auditOf(student)).toEqual([]);
      await teacherSees(teacher, student);
      await as(teacher, 'GET', v0(student, `files/path/home/${student.username}/missing.py`));
      await as(teacher, 'POST', v0(student, `files/path/home/${student.username}/new.py`), multipart('x = 1\n'));
      await as(student, 'GET', v0(student, 'webapps/'));
      const entries = await auditOf(student);
      expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([
        ['POST', `/files/path/home/${student.username}/new.py`, 201],
        ['GET', `/files/path/home/${student.username}/missing.py`, 404],
        ['GET', '/consoles/', 200],
        ['GET', '/webapps/', 200],
        ['GET', `/files/path/home/${student.username}/hello.py`, 200],
      ]);
      for (const e of entries) expect(e).toMatchObject({ actor: teacher.username, role: 'teacher', at: expect.any(String) });
      expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => b - a));
      // Nobody else's log has them.
      expect(await auditOf(teacher)).toEqual([]);
    });

    it('pages with limit and before', async () => {
      const { teacher, student } = await classOfOne();
      for (let i = 0; i < 5; i++) await as(teacher, 'GET', v0(student, `files/path/home/${student.username}/f${i}`));
      const all = await auditOf(student);
      expect(all.map((e) => e.path)).toEqual([4, 3, 2, 1, 0].map((i) => `/files/path/home/${student.username}/f${i}`));
      const first = await auditOf(student, '?limit=2');
      expect(first).toEqual(all.slice(0, 2));
      const second = await auditOf(student, `?limit=2&before=${first.at(-1)!.id}`);
      expect(second).toEqual(all.slice(2, 4));
      const last = await auditOf(student, `?limit=2&before=${second.at(-1)!.id}`);
      expect(last).toEqual(all.slice(4));
      expect(await auditOf(student, `?before=${all.at(-1)!.id}`)).toEqual([]);
      for (const query of ['?limit=0', '?limit=501', '?limit=two', '?before=0', '?before=-3']) {
        expect((await as(student, 'GET', `/api/auth/audit${query}`)).statusCode, query).toBe(400);
      }
    });

    it('records a repeated look once per ten minutes, and every change', async () => {
      const { teacher, student } = await classOfOne();
      for (let i = 0; i < 3; i++) await as(teacher, 'GET', v0(student, 'webapps/'));
      expect((await auditOf(student)).length).toBe(1);
      offset = 11 * 60 * 1000;
      await as(teacher, 'GET', v0(student, 'webapps/'));
      for (let i = 0; i < 2; i++) await as(teacher, 'POST', v0(student, `files/path/home/${student.username}/same.py`), multipart(`v = ${i}\n`));
      expect((await auditOf(student)).map((e) => e.method)).toEqual(['POST', 'POST', 'GET', 'GET']);
    });

    it('an admin\u2019s requests are recorded as an admin\u2019s', async () => {
      const { student } = await classOfOne();
      const admin = await adminToken(t.app);
      expect((await as(admin, 'GET', v0(student, 'consoles/'))).statusCode).toBe(200);
      expect((await auditOf(student))[0]).toMatchObject({ actor: 'root1', role: 'admin', method: 'GET', path: '/consoles/' });
    });

    it("never reaches anyone else's things, nor the student's own students", async () => {
      const { teacher, student } = await classOfOne();
      const stranger = await createUser(t.app);
      const otherTeacher = await createTeacher(t.app);
      for (const owner of [stranger, otherTeacher]) {
        expect(await teacherSees(teacher, owner)).toEqual(SEES_NOTHING);
        const res = await as(teacher, 'GET', v0(owner, 'webapps/'));
        expect(res.json().detail).toBe(`no user "${owner.username}" that you can see`);
        expect((await as(teacher, 'POST', v0(owner, 'consoles/'), { payload: {} })).statusCode).toBe(404);
      }
      // A student who is a teacher too: their students are theirs alone.
      t.app.stores.users.update(userId(t.app, student), { isTeacher: true });
      expect((await as(teacher, 'GET', v0(student, 'students/'))).statusCode).toBe(404);
      // The teacher-only routes are about the caller, never about someone else's students.
      expect((await as(student, 'GET', '/api/teaching/students')).json().students).toEqual([]);
      expect(await auditOf(stranger)).toEqual([]);
    });
  });

  describe('when the relation ends', () => {
    it('the student removing their teacher ends access at once, and the open log stream', async () => {
      const { teacher, student } = await classOfOne();
      const theirs = await openStream(teacher, student);
      const mine = await openStream(student, student);
      const removed = await as(student, 'DELETE', '/api/auth/teacher');
      expect([removed.statusCode, removed.body]).toEqual([204, '']);
      await theirs.ended;
      expect(await teacherSees(teacher, student)).toEqual(SEES_NOTHING);
      expect(teacherOf(student)).toBeNull();
      expect((await as(teacher, 'GET', v0(teacher, 'students/'))).json()).toEqual({ students: [] });
      // The student's own stream goes on.
      fs.appendFileSync(errorLog(student), 'still here\n');
      await eventually(() => expect(mine.text()).toContain('still here'));
      // Removing a teacher they no longer have is fine.
      expect((await as(student, 'DELETE', '/api/auth/teacher')).statusCode).toBe(204);
    });

    it('the teacher removing the student answers 204, ends access, and tells the student why', async () => {
      const { teacher, student } = await classOfOne();
      const stream = await openStream(teacher, student);
      const res = await as(teacher, 'DELETE', v0(teacher, `students/${student.username}`));
      expect([res.statusCode, res.body]).toEqual([204, '']);
      await stream.ended;
      expect(await teacherSees(teacher, student)).toEqual(SEES_NOTHING);
      expect((await as(teacher, 'GET', v0(teacher, 'students/'))).json()).toEqual({ students: [] });
      expect((await auditOf(student))[0]).toMatchObject({
        actor: teacher.username,
        role: 'teacher',
        method: 'DELETE',
        path: `/api/v0/user/${teacher.username}/students/${student.username}`,
        status: 204,
      });
      const again = await as(teacher, 'DELETE', v0(teacher, `students/${student.username}`));
      expect([again.statusCode, again.json().detail]).toEqual([404, `"${student.username}" is not one of your students`]);
    });

    it('a teacher cannot remove someone else\u2019s student; an admin can', async () => {
      const { teacher, student } = await classOfOne();
      const other = await createTeacher(t.app);
      const res = await as(other, 'DELETE', v0(other, `students/${student.username}`));
      expect([res.statusCode, res.json().detail]).toEqual([404, `"${student.username}" is not one of your students`]);
      expect(teacherOf(student)).toBe(userId(t.app, teacher));
      const admin = await adminToken(t.app);
      const byAdmin = await as(admin, 'DELETE', v0(teacher, `students/${student.username}`));
      expect(byAdmin.statusCode).toBe(204);
      expect(teacherOf(student)).toBeNull();
      expect((await auditOf(student))[0]).toMatchObject({ actor: 'root1', role: 'admin', method: 'DELETE' });
    });

    it("a former teacher (the mark taken away) reaches none of the students' things, and may only let them go", async () => {
      const { teacher, student } = await classOfOne();
      t.app.stores.users.update(userId(t.app, teacher), { isTeacher: false });
      expect(await teacherSees(teacher, student)).toEqual(SEES_NOTHING);
      expect((await as(teacher, 'POST', v0(student, `files/path/home/${student.username}/x.py`), multipart('x\n'))).statusCode).toBe(404);
      expect((await as(teacher, 'GET', '/api/teaching/students')).statusCode).toBe(403);
      expect((await as(teacher, 'GET', '/api/teaching/invites')).statusCode).toBe(403);
      // Nothing reached the student's things, so nothing is in their log.
      expect(await auditOf(student)).toEqual([]);
      // The names stay theirs to see (`pa students get`), and to release (`pa students holidays`).
      expect((await as(teacher, 'GET', v0(teacher, 'students/'))).json()).toEqual({ students: [{ username: student.username }] });
      expect((await as(teacher, 'DELETE', v0(teacher, `students/${student.username}`))).statusCode).toBe(204);
      expect(teacherOf(student)).toBeNull();
    });

    it('an admin taking the teacher mark away ends access, and the open log stream, at once', async () => {
      const { teacher, student } = await classOfOne();
      const admin = await adminToken(t.app);
      const stream = await openStream(teacher, student);
      const res = await t.app.inject({ method: 'PATCH', url: `/api/admin/users/${teacher.username}`, headers: asToken(admin), payload: { is_teacher: false } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ is_teacher: false });
      await stream.ended;
      expect(await teacherSees(teacher, student)).toEqual(SEES_NOTHING);
      expect((await as(teacher, 'GET', '/api/teaching/students')).statusCode).toBe(403);
    });

    it('an admin giving the student another teacher ends the first one\u2019s access and stream', async () => {
      const { teacher, student } = await classOfOne();
      const next = await createTeacher(t.app);
      const stream = await openStream(teacher, student);
      const res = await t.app.inject({ method: 'PATCH', url: `/api/admin/users/${student.username}`, headers: asToken(await adminToken(t.app)), payload: { teacher: next.username } });
      expect(res.statusCode, res.body).toBe(200);
      await stream.ended;
      expect(await teacherSees(teacher, student)).toEqual(SEES_NOTHING);
      expect(await teacherSees(next, student)).toEqual(SEES);
    });
  });
});
