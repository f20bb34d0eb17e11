import type { App } from '../../../src/app.js';
import { asToken, multipart, type TestUser } from '../../helpers/test-app.js';

/**
 * The callers every route is tried as. `teacher` is the owner's teacher;
 * `formerTeacher` is a teacher the owner had and removed (a teacher, just
 * not theirs any more).
 */
export type Who = 'anonymous' | 'other' | 'ownerCookie' | 'ownerToken' | 'revokedToken' | 'teacher' | 'formerTeacher' | 'admin';
export const WHO: Who[] = ['anonymous', 'other', 'ownerCookie', 'ownerToken', 'revokedToken', 'teacher', 'formerTeacher', 'admin'];

export interface Ctx {
  app: App;
  owner: TestUser;
  teacher: TestUser;
  /** A fresh web app of the owner's, for routes that change or delete one. */
  newWebapp(): Promise<string>;
  /** A console of the owner's (in the fake engine's pretend terminal). */
  newConsole(): number;
}

export interface Request {
  url: string;
  payload?: string | object | Buffer;
  headers?: Record<string, string>;
}

export interface Case {
  request(ctx: Ctx): Promise<Request>;
  expect: Record<Who, number>;
}

/** Resources under /api/v0/user/{owner}/: the owner, their teacher and admins; strangers get the same 404 as for nothing at all. */
export const owned = (ok: number): Record<Who, number> => ({
  anonymous: 401, other: 404, ownerCookie: ok, ownerToken: ok, revokedToken: 401, teacher: ok, formerTeacher: 404, admin: ok,
});
/** The caller's own things (tokens, /me): any signed-in user, nobody else. */
export const signedIn = (ok: number): Record<Who, number> => ({
  anonymous: 401, other: ok, ownerCookie: ok, ownerToken: ok, revokedToken: 401, teacher: ok, formerTeacher: ok, admin: ok,
});
export const anyone = (status: number): Record<Who, number> => ({
  anonymous: status, other: status, ownerCookie: status, ownerToken: status, revokedToken: 401, teacher: status, formerTeacher: status, admin: status,
});
/** /api/admin/…: admins only; everyone else signed in gets 403. */
export const adminOnly = (ok: number): Record<Who, number> => ({
  anonymous: 401, other: 403, ownerCookie: 403, ownerToken: 403, revokedToken: 401, teacher: 403, formerTeacher: 403, admin: ok,
});
/** Teaching (invite codes, the Students page): teachers and admins; other users get 403. */
export const teachersOnly = (ok: number): Record<Who, number> => ({
  anonymous: 401, other: 403, ownerCookie: 403, ownerToken: 403, revokedToken: 401, teacher: ok, formerTeacher: ok, admin: ok,
});

export const v0 = (ctx: Ctx, rest: string) => `/api/v0/user/${ctx.owner.username}${rest}`;

export async function uploadAs(ctx: Ctx, p: string) {
  const body = multipart('matrix');
  const res = await ctx.app.inject({ method: 'POST', url: v0(ctx, `/files/path${p}`), headers: { ...asToken(ctx.owner.token), ...body.headers }, payload: body.payload });
  if (res.statusCode >= 300) throw new Error(`upload ${p}: ${res.statusCode}`);
}
