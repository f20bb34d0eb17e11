import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CONNECTION_LEVELS, type ServerResult } from '../domain/compare-servers.js';
import { CompareParams, CompareRun, StartCompare } from '../schemas/compare.js';
import { responses } from '../schemas/common.js';
import { WebappParams } from '../schemas/webapps.js';
import type { CompareRunRow } from '../store/compare-runs-store.js';
import { ownerOf, webappOf } from './context.js';

/** …/webapps/{domain_name}/compare/: Compare servers (docs/compare-servers.md). */
const compareRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const compare = app.services.compare;
  const tags = ['webapps'];

  app.post('/webapps/:domain_name/compare/', {
    schema: {
      tags,
      summary: 'Compare servers: measure the app under its development server, gunicorn and uWSGI (answers at once; poll the run)',
      params: WebappParams,
      body: Type.Union([StartCompare, Type.Null()]),
      response: responses({ 202: CompareRun }),
    },
  }, async (request, reply) => {
    const run = compare.start(ownerOf(request), webappOf(request), request.body ?? {});
    return reply.status(202).send(compareView(run));
  });

  app.get('/webapps/:domain_name/compare/', {
    schema: { tags, summary: "The web app's kept comparisons, newest first", params: WebappParams, response: responses({ 200: Type.Array(CompareRun) }) },
  }, async (request) => compare.list(webappOf(request)).map(compareView));

  app.get('/webapps/:domain_name/compare/:id/', {
    schema: { tags, summary: 'One comparison', params: CompareParams, response: responses({ 200: CompareRun }) },
  }, async (request) => compareView(compare.get(webappOf(request), request.params.id)));
};

export function compareView(row: CompareRunRow): CompareRun {
  const results = JSON.parse(row.result_json) as ServerResult[];
  return {
    id: row.id,
    state: row.state,
    path: row.path,
    seconds_per_level: row.seconds,
    connections: [...CONNECTION_LEVELS],
    current_server: row.current_server,
    servers: results.map((r) => ({
      server: r.server,
      label: r.label,
      production: r.production,
      start_error: r.startError,
      levels: r.levels.map((l) => ({
        connections: l.connections, requests_per_second: l.rps, p50_ms: l.p50Ms, p99_ms: l.p99Ms, requests: l.requests, errors: l.errors, error: l.failed,
      })),
    })),
    winner: row.winner,
    summary: row.summary,
    error: row.error,
    created_at: row.created_at,
    finished_at: row.finished_at,
  };
}

export default compareRoutes;
