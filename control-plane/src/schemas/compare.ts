import { Type, type Static } from 'typebox';
import { DEFAULT_SECONDS_PER_LEVEL, MAX_PATH_LENGTH, MAX_SECONDS_PER_LEVEL } from '../domain/compare-servers.js';
import { Server } from './webapps.js';

export const CompareParams = Type.Object({
  username: Type.String({ maxLength: 64 }),
  domain_name: Type.String({ maxLength: 253 }),
  id: Type.Integer({ minimum: 1 }),
});

export const StartCompare = Type.Object({
  path: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_PATH_LENGTH, description: 'the path the load asks for; default /' })),
  seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SECONDS_PER_LEVEL, description: `seconds of load per connection level; default ${DEFAULT_SECONDS_PER_LEVEL}` })),
}, { additionalProperties: false });
export type CompareStart = Static<typeof StartCompare>;

const Level = Type.Object({
  connections: Type.Integer(),
  requests_per_second: Type.Number(),
  p50_ms: Type.Number(),
  p99_ms: Type.Number(),
  requests: Type.Integer(),
  errors: Type.Integer({ description: 'non-2xx/3xx answers, socket errors and timeouts' }),
  error: Type.Boolean({ description: "the article's \"Error\": more than 1% of the requests failed" }),
});

const ServerRun = Type.Object({
  server: Type.Union([Type.Literal('runserver'), Type.Literal('devserver'), Type.Literal('gunicorn'), Type.Literal('uwsgi')]),
  label: Type.String(),
  production: Type.Boolean({ description: 'a server a web app can run under (the development servers are only measured)' }),
  start_error: Type.Union([Type.String(), Type.Null()]),
  levels: Type.Array(Level),
});

export const CompareRun = Type.Object({
  id: Type.Integer(),
  state: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  path: Type.String(),
  seconds_per_level: Type.Integer(),
  connections: Type.Array(Type.Integer()),
  current_server: Server,
  servers: Type.Array(ServerRun),
  winner: Type.Union([Server, Type.Null()], { description: 'the faster of gunicorn and uWSGI, when both or one served every level without errors' }),
  summary: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  finished_at: Type.Union([Type.String(), Type.Null()]),
});
export type CompareRun = Static<typeof CompareRun>;
