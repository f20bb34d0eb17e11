import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameTeacher, userId } from '../helpers/classroom.js';
import { adminToken, asToken, createUser, type TestUser } from '../helpers/test-app.js';
import { createDockerTestApp, type DockerTestApp } from '../helpers/docker-app.js';
import { getConsole, openTerminal, startConsole, type Terminal } from '../helpers/consoles.js';

/**
 * A teacher at a student's console, on the real engine through a listening
 * server: the teacher's own credentials open the student's terminal, and
 * the teacher's socket (only theirs) closes the moment the student lets
 * the teacher go; every socket on an account closes the moment an admin
 * deletes it.
 */
describe("a teacher at a student's console", () => {
  let t: DockerTestApp;
  let base: string;
  let teacher: TestUser;
  let student: TestUser;
  const open: Terminal[] = [];

  beforeAll(async () => {
    t = await createDockerTestApp();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    teacher = await createUser(t.app);
    t.app.stores.users.update(userId(t.app, teacher), { isTeacher: true });
    student = await createUser(t.app);
    await nameTeacher(t.app, student, teacher);
  });
  afterAll(async () => {
    for (const term of open) term.socket.terminate();
    await t?.close();
  });

  /** A terminal on the student's console, opened with `options`' credentials (the student's or the teacher's). */
  async function connect(id: number, options: Parameters<typeof openTerminal>[3]) {
    const term = await openTerminal(base, student, id, options);
    open.push(term);
    return term;
  }

  it('types and reads in it; removed, only the teacher\u2019s socket closes (1008, with the reason)', async () => {
    const c = await startConsole(t.app, student);
    const mine = await connect(c.id, { cookie: student.cookie, origin: base });
    const theirs = await connect(c.id, { cookie: teacher.cookie, origin: base });

    // The teacher types; the command runs as the student, and both see it.
    theirs.type('echo "helped-$((6*7)) by $(id -un)"\r');
    await theirs.waitFor(`helped-42 by ${student.username}`);
    await mine.waitFor(`helped-42 by ${student.username}`);
    const audit = (await t.app.inject({ url: '/api/auth/audit', headers: asToken(student.token) })).json().entries;
    expect(audit[0]).toMatchObject({ actor: teacher.username, role: 'teacher', method: 'GET', path: `/consoles/${c.id}/ws/`, status: 101 });

    const removed = await t.app.inject({ method: 'DELETE', url: '/api/auth/teacher', headers: asToken(student.token) });
    expect(removed.statusCode).toBe(204);
    expect(await theirs.closed).toEqual({ code: 1008, reason: 'you are no longer this account\u2019s teacher' });

    // The student's own terminal, and the console, go on.
    mine.type('echo "still-$((3+4))"\r');
    await mine.waitFor('still-7');
    expect(mine.socket.readyState).toBe(mine.socket.OPEN);
    expect((await getConsole(t.app, student, c.id)).state).toBe('running');

    // And the teacher cannot come back.
    const again = await openTerminal(base, student, c.id, { token: teacher.token }).then(
      (term) => {
        open.push(term);
        return 'opened';
      },
      (err: { status?: number }) => err.status,
    );
    expect(again).toBe(404);
  });

  it("closes the student's and the teacher's sockets (1008) when an admin deletes the student, whose token and session stop working", async () => {
    const learner = await createUser(t.app);
    await nameTeacher(t.app, learner, teacher);
    const c = await startConsole(t.app, learner);
    const own = await openTerminal(base, learner, c.id, { cookie: learner.cookie, origin: base });
    const helper = await openTerminal(base, learner, c.id, { cookie: teacher.cookie, origin: base });
    open.push(own, helper);
    own.type('echo "here-$((2*3))"\r');
    await helper.waitFor('here-6');

    const res = await t.app.inject({ method: 'DELETE', url: `/api/admin/users/${learner.username}`, headers: asToken(await adminToken(t.app)), payload: { confirm: learner.username, files: 'erase' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await own.closed).toEqual({ code: 1008, reason: 'this account was deleted' });
    expect((await helper.closed).code).toBe(1008);
    expect((await t.app.inject({ url: '/api/auth/me', headers: asToken(learner.token) })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: learner.cookie } })).statusCode).toBe(401);
  });
});
