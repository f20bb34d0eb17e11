import { asToken, uniqueName } from '../../helpers/test-app.js';
import { anyone, signedIn, teachersOnly, v0, type Case, type Ctx } from './matrix-cases.js';

/** Invite codes need sign-up to be open to them; the instance starts 'closed'. */
function allowInvites(ctx: Ctx): void {
  ctx.app.services.settings.setSignupMode('invite');
}

const ownerId = (ctx: Ctx) => ctx.app.stores.users.byUsername(ctx.owner.username)!.id;

/** Teaching: invite codes, teachers and students (PythonAnywhere's students API), the audit log. */
export const CLASSROOM_CASES: Record<string, Case> = {
  'GET /api/teaching/students': { request: async () => ({ url: '/api/teaching/students' }), expect: teachersOnly(200) },
  'GET /api/teaching/invites': { request: async () => ({ url: '/api/teaching/invites' }), expect: teachersOnly(200) },
  'POST /api/teaching/invites': {
    request: async (ctx) => {
      allowInvites(ctx);
      return { url: '/api/teaching/invites', payload: { label: 'matrix', max_uses: 3 } };
    },
    expect: teachersOnly(201),
  },
  'DELETE /api/teaching/invites/:id': {
    request: async (ctx) => {
      allowInvites(ctx);
      const res = await ctx.app.inject({ method: 'POST', url: '/api/teaching/invites', headers: asToken(ctx.teacher.token), payload: {} });
      if (res.statusCode !== 201) throw new Error(`invite: ${res.statusCode} ${res.body}`);
      return { url: `/api/teaching/invites/${res.json().id}` };
    },
    // The teacher's code: another teacher's id is a 404, an admin may withdraw any.
    expect: { anonymous: 401, other: 403, ownerCookie: 403, ownerToken: 403, revokedToken: 401, teacher: 204, formerTeacher: 404, admin: 204 },
  },
  'GET /api/auth/invite': { request: async () => ({ url: `/api/auth/invite?code=${uniqueName('nonsense')}` }), expect: anyone(200) },
  'PUT /api/auth/teacher': {
    // The owner names the teacher they already have; anyone else becomes that teacher's student too.
    request: async (ctx) => ({ url: '/api/auth/teacher', payload: { username: ctx.teacher.username } }),
    expect: { anonymous: 401, other: 200, ownerCookie: 200, ownerToken: 200, revokedToken: 401, teacher: 400, formerTeacher: 200, admin: 200 },
  },
  'DELETE /api/auth/teacher': {
    // Each caller removes their own teacher; the owner's is put back for the cases after this one.
    request: async (ctx) => {
      ctx.app.stores.users.update(ownerId(ctx), { teacherId: ctx.app.stores.users.byUsername(ctx.teacher.username)!.id });
      return { url: '/api/auth/teacher' };
    },
    expect: signedIn(204),
  },
  'GET /api/auth/audit': { request: async () => ({ url: '/api/auth/audit?limit=5' }), expect: signedIn(200) },
  // The owner's students: the owner and admins only. A teacher looking at the owner's things does not see them.
  'GET /api/v0/user/:username/students/': {
    request: async (ctx) => ({ url: v0(ctx, '/students/') }),
    expect: { anonymous: 401, other: 404, ownerCookie: 200, ownerToken: 200, revokedToken: 401, teacher: 404, formerTeacher: 404, admin: 200 },
  },
  'DELETE /api/v0/user/:username/students/:student': {
    request: async (ctx) => {
      const student = uniqueName('st');
      ctx.app.stores.users.insert(student, 'not-a-password-hash', false, { teacherId: ownerId(ctx) });
      return { url: v0(ctx, `/students/${student}`) };
    },
    expect: { anonymous: 401, other: 404, ownerCookie: 204, ownerToken: 204, revokedToken: 401, teacher: 404, formerTeacher: 404, admin: 204 },
  },
};
