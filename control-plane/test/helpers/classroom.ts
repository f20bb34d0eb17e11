// Teachers, students and invite codes in tests, made through the API the
// way a person makes them (an admin marks the teacher in the store: the
// admin routes are tested on their own).
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import { asToken, createUser, uniqueName, type TestUser } from './test-app.js';

export async function createTeacher(app: App): Promise<TestUser> {
  const teacher = await createUser(app);
  app.stores.users.update(userId(app, teacher), { isTeacher: true });
  return teacher;
}

export function userId(app: App, user: { username: string }): number {
  return app.stores.users.byUsername(user.username)!.id;
}

/** `student` names `teacher` as their teacher. */
export async function nameTeacher(app: App, student: TestUser, teacher: TestUser): Promise<void> {
  const res = await app.inject({ method: 'PUT', url: '/api/auth/teacher', headers: asToken(student.token), payload: { username: teacher.username } });
  expect(res.statusCode, res.body).toBe(200);
}

export interface CreatedInvite {
  id: number;
  code: string;
  link: string;
  [field: string]: unknown;
}

export async function createInvite(app: App, maker: TestUser | string, body: object = {}): Promise<CreatedInvite> {
  const token = typeof maker === 'string' ? maker : maker.token;
  const res = await app.inject({ method: 'POST', url: '/api/teaching/invites', headers: asToken(token), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** Someone following the link: signs up with the code, without being signed in. */
export function signupWithCode(app: App, code: string | undefined, username = uniqueName('st'), password = 'student-password-1') {
  return app.inject({ method: 'POST', url: '/api/auth/signup', payload: code === undefined ? { username, password } : { username, password, code } });
}
