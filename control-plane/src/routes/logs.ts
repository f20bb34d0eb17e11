import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { LoggedSite } from '../services/logs/log-service.js';
import { Type } from 'typebox';
import { responses } from '../schemas/common.js';
import { WebappParams } from '../schemas/webapps.js';
import { DownloadQuery, LogFileSchema, LogParams, LogTailSchema, StreamQuery, TailQuery } from '../schemas/logs.js';
import { ownerOf, webappOf } from './context.js';
import { logStreamer, sendLogFile } from './log-replies.js';

const tags = ['logs'];

/** Where the logs hang: a web app's (v0) or a website's (v1), each resolved by its own hook before the route runs. */
export interface LogRouteOptions {
  readonly collection: 'webapps' | 'websites';
  readonly siteOf: (request: FastifyRequest) => LoggedSite;
}

/** The app's log files, and the last lines of one. */
const logTailRoutes: FastifyPluginAsyncTypebox<LogRouteOptions> = async (app, { collection, siteOf }) => {
  const { logs } = app.services;

  app.get(`/${collection}/:domain_name/logs/`, {
    schema: { tags, summary: "The app's log files, live and rotated", params: WebappParams, response: responses({ 200: Type.Array(LogFileSchema) }) },
  }, async (request) => logs.list(ownerOf(request), siteOf(request)));

  app.get(`/${collection}/:domain_name/logs/:kind/`, {
    schema: { tags, summary: 'The last lines of a log (or of a rotated one)', params: LogParams, querystring: TailQuery, response: responses({ 200: LogTailSchema }) },
  }, async (request) => logs.tail(ownerOf(request), siteOf(request), request.params.kind, request.query.lines, request.query.rotation));
};

/** A log file as it is on disk, as an attachment. */
const logDownloadRoutes: FastifyPluginAsyncTypebox<LogRouteOptions> = async (app, { collection, siteOf }) => {
  const { logs } = app.services;

  app.get(`/${collection}/:domain_name/logs/:kind/download/`, {
    schema: {
      tags,
      summary: 'Download a log file; rotated ones from 2 on are gzipped',
      params: LogParams,
      querystring: DownloadQuery,
      response: responses({ 200: Type.String({ description: 'the file as it is on disk' }) }),
    },
  }, async (request, reply) => {
    const file = await logs.openForDownload(ownerOf(request), siteOf(request), request.params.kind, request.query.rotation);
    return sendLogFile(reply, file);
  });
};

/** A log followed live, as Server-Sent Events. */
const logStreamRoutes: FastifyPluginAsyncTypebox<LogRouteOptions> = async (app, { collection, siteOf }) => {
  const { logs } = app.services;
  const streamLog = logStreamer(app, 'log stream failed');

  app.get(`/${collection}/:domain_name/logs/:kind/stream/`, {
    schema: {
      tags,
      summary: 'Follow a log live (text/event-stream): `lines` events carry {"lines": [...]}; the id is the offset to resume from',
      params: LogParams,
      querystring: StreamQuery,
      produces: ['text/event-stream'],
      response: responses({ 200: Type.String({ description: 'Server-Sent Events' }) }),
    },
  }, async (request, reply) => {
    const owner = ownerOf(request);
    const site = siteOf(request);
    return streamLog(request, reply, request.query, (offset, signal) => logs.follow(owner, site, request.params.kind, offset, signal));
  });
};

/**
 * /api/v0/user/{username}/webapps/{domain}/logs/…: Pyhost's own (PythonAnywhere
 * shows logs only as files). The tail, a live Server-Sent Events stream, the
 * rotated history, and downloads.
 */
export const siteLogRoutes: FastifyPluginAsyncTypebox<LogRouteOptions> = async (app, options) => {
  await app.register(logTailRoutes, options);
  await app.register(logDownloadRoutes, options);
  await app.register(logStreamRoutes, options);
};

const logRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(siteLogRoutes, { collection: 'webapps', siteOf: webappOf });
};

export default logRoutes;
