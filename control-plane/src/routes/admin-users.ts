import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AdminUserSchema, BulkCreatedSchema, LineErrorsSchema, BulkSchema, CreatedUserSchema, DeletedUserSchema, DeleteUserSchema, NewUserSchema, PasswordResetResult, PasswordResetSchema,
  UserParams, UserPatchSchema, UsersQuery,
} from '../schemas/admin.js';
import { responses } from '../schemas/common.js';

const tags = ['admin'];

/** Accounts, for admins: list, create one or many, change, reset a password, disable, enable, delete. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  const { accountAdmin, bulkAccounts, accountState, accountDeletion } = app.services;

  app.get('/api/admin/users', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Every account, searched by part of the username and sorted', querystring: UsersQuery, response: responses({ 200: Type.Object({ users: Type.Array(AdminUserSchema) }) }) },
  }, async (request) => ({ users: accountAdmin.list(request.query) }));

  app.post('/api/admin/users', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Create an account (a generated password is shown once)', body: NewUserSchema, response: responses({ 201: CreatedUserSchema }) },
  }, async (request, reply) => {
    const { user, password } = await accountAdmin.create(request.principal!, request.body);
    return reply.status(201).send(password === null ? { user } : { user, password });
  });

  app.post('/api/admin/users/bulk', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Create many accounts from a pasted list or CSV, all or none (400 lists each line at fault)',
      body: BulkSchema,
      response: { ...responses({ 201: BulkCreatedSchema }), 400: LineErrorsSchema },
    },
  }, async (request, reply) => reply.status(201).send({ created: await bulkAccounts.create(request.principal!, request.body) }));

  app.patch('/api/admin/users/:username', {
    config: { access: 'admin' },
    schema: { tags, summary: "Change an account's roles, teacher or expiry (never the last administrator's role)", params: UserParams, body: UserPatchSchema, response: responses({ 200: AdminUserSchema }) },
  }, async (request) => accountAdmin.update(request.principal!, request.params.username, request.body));

  app.post('/api/admin/users/:username/password', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: "Set a new password (generated unless given, shown once); every session and token of the account ends",
      params: UserParams,
      body: Type.Optional(PasswordResetSchema),
      response: responses({ 200: PasswordResetResult }),
    },
  }, async (request) => {
    const { password } = await accountAdmin.resetPassword(request.principal!, request.params.username, request.body?.password);
    return password === null ? {} : { password };
  });

  app.post('/api/admin/users/:username/disable', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Disable an account: no login, its sessions and tokens end, its web apps stop; files stay', params: UserParams, response: responses({ 200: AdminUserSchema }) },
  }, async (request) => accountState.disable(request.principal!, request.params.username));

  app.post('/api/admin/users/:username/enable', {
    config: { access: 'admin' },
    schema: { tags, summary: 'Enable an account again: its enabled web apps start', params: UserParams, response: responses({ 200: AdminUserSchema }) },
  }, async (request) => accountState.enable(request.principal!, request.params.username));

  app.delete('/api/admin/users/:username', {
    config: { access: 'admin' },
    schema: {
      tags,
      summary: 'Delete an account: web apps, consoles, containers and credentials removed, files archived or erased',
      params: UserParams,
      body: DeleteUserSchema,
      response: responses({ 200: DeletedUserSchema }),
    },
  }, async (request) => accountDeletion.delete(request.principal!, request.params.username, request.body));
};

export default routes;
