import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { StatusOk, responses } from '../schemas/common.js';
import { Console, ConsoleParams, CreateConsole, LatestOutput, SendInput } from '../schemas/consoles.js';
import { UserParams } from '../schemas/webapps.js';
import { consoleName } from '../domain/console-rules.js';
import type { ConsoleInfo } from '../services/consoles/console-service.js';
import { ownerOf } from './context.js';

export function consoleView(info: ConsoleInfo, username: string) {
  const { row } = info;
  const page = `/consoles/${row.id}/`;
  return {
    id: row.id,
    user: username,
    executable: row.executable,
    arguments: row.arguments,
    working_directory: row.working_directory,
    name: consoleName(row.executable, row.id),
    console_url: page,
    console_frame_url: page,
    state: info.state,
    exit_code: info.exit?.code ?? null,
    exit_reason: info.exit?.reason ?? null,
    created_at: row.created_at,
    websocket_url: `/api/v0/user/${username}/consoles/${row.id}/ws/`,
  };
}

/** /api/v0/user/{username}/consoles/…, shaped like PythonAnywhere's. */
const consoleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const consoles = app.services.consoles;
  const tags = ['consoles'];

  app.get('/consoles/', {
    schema: { tags, summary: 'List consoles', params: UserParams, response: responses({ 200: Type.Array(Console) }) },
  }, async (request) => {
    const owner = ownerOf(request);
    return consoles.list(owner).map((c) => consoleView(c, owner.username));
  });

  app.post('/consoles/', {
    schema: {
      tags,
      summary: 'Start a console (unlike PythonAnywhere, the process starts right away: send_input works without a browser)',
      params: UserParams,
      body: CreateConsole,
      response: responses({ 201: Console }),
    },
  }, async (request, reply) => {
    const owner = ownerOf(request);
    return reply.status(201).send(consoleView(await consoles.create(owner, request.body), owner.username));
  });

  // Before consoles/:id/ (a static segment wins in the router anyway; here for the reader).
  app.get('/consoles/shared_with_you/', {
    schema: {
      tags,
      summary: 'Consoles other users share with you: always none, as Pyhost has no console sharing yet',
      params: UserParams,
      response: responses({ 200: Type.Array(Console) }),
    },
  }, async () => []);

  app.get('/consoles/:id/', {
    schema: { tags, summary: 'Get a console', params: ConsoleParams, response: responses({ 200: Console }) },
  }, async (request) => consoleView(consoles.get(ownerOf(request), request.params.id), ownerOf(request).username));

  app.delete('/consoles/:id/', {
    schema: { tags, summary: 'Kill a console', params: ConsoleParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await consoles.kill(ownerOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.get('/consoles/:id/get_latest_output/', {
    schema: { tags, summary: 'The most recent output (about 500 characters)', params: ConsoleParams, response: responses({ 200: LatestOutput }) },
  }, async (request) => ({ output: consoles.latestOutput(ownerOf(request), request.params.id) }));

  app.post('/consoles/:id/send_input/', {
    schema: { tags, summary: 'Type into a console', params: ConsoleParams, body: SendInput, response: responses({ 200: StatusOk }) },
  }, async (request) => {
    consoles.sendInput(ownerOf(request), request.params.id, request.body.input);
    return { status: 'OK' as const };
  });
};

export default consoleRoutes;
