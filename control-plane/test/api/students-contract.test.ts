import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeacher, nameTeacher, userId } from '../helpers/classroom.js';
import { adminToken, asToken, createTestApp, createUser, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * PythonAnywhere's students API as its clients call it, and what they make
 * of each answer. From pythonanywhere/pythonanywhere-core
 * `pythonanywhere_core/students.py` (StudentsAPI), `base.py` (call_api) and
 * `tests/test_students.py`, and pythonanywhere/helper_scripts
 * `pythonanywhere/students.py` (Students) and `cli/students.py`
 * (`pa students get|delete|holidays`).
 */
describe("PythonAnywhere's students API against Pyhost", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  /**
   * StudentsAPI, line for line: base_url is get_api_endpoint(username=getpass.getuser(),
   * flavor="students") — `/api/v0/user/{me}/students/`, trailing slash
   * included — and delete() appends the username, without one.
   */
  function studentsApi(me: string, token: string) {
    const baseUrl = `/api/v0/user/${me}/students/`;
    const callApi = async (url: string, method: 'GET' | 'DELETE') => {
      const res = await t.app.inject({ method, url, headers: asToken(token) });
      if (res.statusCode === 401) throw new Error(`Authentication error 401 calling API: ${res.body}`);
      return res;
    };
    return {
      async get(): Promise<{ students: { username: string }[] }> {
        const result = await callApi(baseUrl, 'GET');
        if (result.statusCode === 200) return result.json();
        throw new Error(`GET to list students failed, got ${result.body}`);
      },
      async delete(student: string): Promise<number> {
        const result = await callApi(`${baseUrl}${student}`, 'DELETE');
        if (result.statusCode === 204) return result.statusCode;
        const detail = result.body ? `: ${result.body}` : '';
        throw new Error(`DELETE to remove student '${student}' failed, got <Response [${result.statusCode}]>${detail}`);
      },
    };
  }

  /** helper_scripts' Students.get: the usernames, read as `student["username"] for student in result["students"]`. */
  async function paStudentsGet(api: ReturnType<typeof studentsApi>): Promise<string[]> {
    const result = await api.get();
    expect(Object.keys(result)).toEqual(['students']);
    for (const s of result.students) expect(Object.keys(s)).toEqual(['username']);
    return result.students.map((s) => s.username);
  }

  async function classOf(n: number): Promise<{ teacher: TestUser; students: TestUser[] }> {
    const teacher = await createTeacher(t.app);
    const students: TestUser[] = [];
    for (let i = 0; i < n; i++) {
      const s = await createUser(t.app);
      await nameTeacher(t.app, s, teacher);
      students.push(s);
    }
    return { teacher, students };
  }

  it('`pa students get`: 200 and {"students": [{"username": …}]}, by name; none is an empty list', async () => {
    const { teacher, students } = await classOf(3);
    const api = studentsApi(teacher.username, teacher.token);
    expect(await paStudentsGet(api)).toEqual(students.map((s) => s.username).sort());
    const res = await t.app.inject({ url: `/api/v0/user/${teacher.username}/students/`, headers: asToken(teacher.token) });
    expect(res.headers['content-type']).toMatch(/^application\/json/);

    const lonely = await createTeacher(t.app);
    expect(await studentsApi(lonely.username, lonely.token).get()).toEqual({ students: [] });
    // An account that teaches nobody answers the same (PythonAnywhere's client then says "you don't have any students").
    const plain = await createUser(t.app);
    expect(await studentsApi(plain.username, plain.token).get()).toEqual({ students: [] });
  });

  it('`pa students delete`: 204 with an empty body; the student is gone from the list', async () => {
    const { teacher, students } = await classOf(2);
    const api = studentsApi(teacher.username, teacher.token);
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v0/user/${teacher.username}/students/${students[0]!.username}`, headers: asToken(teacher.token) });
    expect([res.statusCode, res.body]).toEqual([204, '']);
    expect(await paStudentsGet(api)).toEqual([students[1]!.username]);
    expect(t.app.stores.users.byUsername(students[0]!.username)!.teacher_id).toBeNull();
    // With a trailing slash too, as a person typing the URL might.
    expect(await api.delete(`${students[1]!.username}/`)).toBe(204);
    expect(await paStudentsGet(api)).toEqual([]);
  });

  it('`pa students delete` of someone who is not a student: a 404 whose body tells the teacher why', async () => {
    const { teacher } = await classOf(1);
    const stranger = await createUser(t.app);
    const api = studentsApi(teacher.username, teacher.token);
    for (const name of [stranger.username, 'nobody-here', teacher.username]) {
      await expect(api.delete(name)).rejects.toThrow(
        `DELETE to remove student '${name}' failed, got <Response [404]>: {"error":"Not Found","detail":"\\"${name}\\" is not one of your students"}`,
      );
    }
    expect(t.app.stores.users.byUsername(stranger.username)!.teacher_id).toBeNull();
    // A name no account could have is a 400 naming the part at fault, which the client prints the same way.
    await expect(api.delete('a'.repeat(65))).rejects.toThrow(
      `failed, got <Response [400]>: {"error":"Bad Request","detail":"student must NOT have more than 64 characters","field":"student"}`,
    );
  });

  it('`pa students holidays`: every student removed, one DELETE each, then none left', async () => {
    const { teacher, students } = await classOf(4);
    const api = studentsApi(teacher.username, teacher.token);
    const listed = await paStudentsGet(api);
    const results = [];
    for (const s of listed) results.push(await api.delete(s));
    expect(results).toEqual([204, 204, 204, 204]);
    expect(await paStudentsGet(api)).toEqual([]);
    for (const s of students) expect(t.app.stores.users.byUsername(s.username)!.teacher_id).toBeNull();
  });

  it("a bad token is the 401 call_api turns into AuthenticationError; another user's name a 404", async () => {
    const { teacher } = await classOf(1);
    await expect(studentsApi(teacher.username, 'not-a-token').get()).rejects.toThrow(/^Authentication error 401 calling API: \{"error":"Unauthorized"/);
    const other = await createUser(t.app);
    // getpass.getuser() is the console's LOGNAME: the Pyhost username. Anyone else's is not found.
    await expect(studentsApi(other.username, teacher.token).get()).rejects.toThrow(`GET to list students failed, got {"error":"Not Found","detail":"no user \\"${other.username}\\" that you can see"}`);
    await expect(studentsApi(other.username, teacher.token).delete('anyone')).rejects.toThrow(/got <Response \[404\]>: \{"error":"Not Found"/);
  });

  it("an admin's token works on a teacher's list (StudentsAPI with the teacher's name)", async () => {
    const { teacher, students } = await classOf(1);
    const api = studentsApi(teacher.username, await adminToken(t.app));
    expect(await paStudentsGet(api)).toEqual([students[0]!.username]);
    expect(await api.delete(students[0]!.username)).toBe(204);
    expect(t.app.stores.users.byUsername(students[0]!.username)!.teacher_id).toBeNull();
    expect(userId(t.app, teacher)).toBeGreaterThan(0);
  });
});
