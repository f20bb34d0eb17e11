import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { responses } from '../schemas/common.js';
import {
  AuditEntrySchema, AuditQuery, CreatedInviteSchema, InviteCheckSchema, InviteParams, InviteQuery, InviteSchema, NewInviteSchema, StudentSchema, TeacherRequest, TeacherResult,
} from '../schemas/teaching.js';
import type { InviteView } from '../services/accounts/invite-codes.js';
import type { AuditRow } from '../store/audit-store.js';

const tags = ['teaching'];

function inviteJson({ row, status, limits }: InviteView) {
  return {
    id: row.id,
    label: row.label,
    created_by: row.created_by_username,
    created_at: row.created_at,
    expires_at: row.expires_at,
    max_uses: row.max_uses,
    uses: row.uses,
    accounts_expire_at: row.accounts_expire_at,
    limits,
    revoked_at: row.revoked_at,
    status,
  };
}

function auditJson(row: AuditRow) {
  return { id: row.id, actor: row.actor_username, role: row.actor_role, method: row.method, path: row.path, status: row.status, at: row.at };
}

/** The sign-up page's address with the code, on the host the maker used to reach the dashboard. */
function signupLink(request: FastifyRequest, code: string): string {
  return `${request.protocol}://${request.host}/signup?code=${encodeURIComponent(code)}`;
}

/** Invite codes: teachers and admins make them; the sign-up page checks one. */
const inviteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { invites } = app.services;

  app.get('/api/teaching/invites', {
    config: { access: 'teacher' },
    schema: { tags, summary: 'Your invite codes, newest first (an administrator sees everyone\u2019s)', response: responses({ 200: Type.Object({ invites: Type.Array(InviteSchema) }) }) },
  }, async (request) => ({ invites: invites.list(request.principal!).map(inviteJson) }));

  app.post('/api/teaching/invites', {
    config: { access: 'teacher' },
    schema: { tags, summary: 'Make an invite code (the code and its link are shown once)', body: NewInviteSchema, response: responses({ 201: CreatedInviteSchema }) },
  }, async (request, reply) => {
    const { invite, code } = invites.create(request.principal!, request.body);
    return reply.status(201).send({ ...inviteJson(invite), code, link: signupLink(request, code) });
  });

  app.delete('/api/teaching/invites/:id', {
    config: { access: 'teacher' },
    schema: { tags, summary: 'Withdraw an invite code: it stops working (accounts made with it stay)', params: InviteParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    invites.revoke(request.principal!, request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/auth/invite', {
    config: { access: 'public' },
    schema: { tags, summary: 'What an invite code gives, for the sign-up page', querystring: InviteQuery, response: responses({ 200: InviteCheckSchema }) },
  }, async (request) => invites.check(request.query.code));
};

/** A teacher's students, and a student's teacher. */
const relationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { teaching } = app.services;

  app.get('/api/teaching/students', {
    config: { access: 'teacher' },
    schema: { tags, summary: 'Your students, for the Students page', response: responses({ 200: Type.Object({ students: Type.Array(StudentSchema) }) }) },
  }, async (request) => ({ students: teaching.overview(request.principal!) }));

  app.put('/api/auth/teacher', {
    schema: { tags, summary: 'Name your teacher: they may then look at your things (and it is in your audit log)', body: TeacherRequest, response: responses({ 200: TeacherResult }) },
  }, async (request) => ({ teacher: teaching.setTeacher(request.principal!, request.body.username).username }));

  app.delete('/api/auth/teacher', {
    schema: { tags, summary: 'Remove your teacher: what they have open of yours ends at once', response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    teaching.removeTeacher(request.principal!);
    return reply.status(204).send(null);
  });

  app.get('/api/auth/audit', {
    schema: {
      tags,
      summary: 'What your teacher and administrators did with your things, newest first',
      querystring: AuditQuery,
      response: responses({ 200: Type.Object({ entries: Type.Array(AuditEntrySchema) }) }),
    },
  }, async (request) => ({ entries: teaching.auditOf(request.principal!, request.query.limit, request.query.before).map(auditJson) }));
};

/** Teaching (/api/teaching/…, /api/auth/teacher, /api/auth/audit, /api/auth/invite): invite codes, a student's teacher, the audit log. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(inviteRoutes);
  await app.register(relationRoutes);
};

export default routes;
