import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { STATUS_CLASSES } from '../domain/usage-buckets.js';
import { responses } from '../schemas/common.js';
import { UsageQuery, WebappUsageSchema, type WebappUsageReply } from '../schemas/webapp-usage.js';
import { WebappParams } from '../schemas/webapps.js';
import type { WebappUsageReport } from '../services/webapps/webapp-usage.js';
import { ownerOf, webappOf } from './context.js';

/** /api/v0/user/{username}/webapps/{domain}/usage/: the Web tab's Usage charts (Pyhost's own; docs/usage-charts.md). */
const webappUsageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/webapps/:domain_name/usage/', {
    schema: {
      tags: ['webapps'],
      summary: "A web app's requests, response times, CPU and memory over the last hour or day, in time buckets",
      params: WebappParams,
      querystring: UsageQuery,
      response: responses({ 200: WebappUsageSchema }),
    },
  }, async (request) => usageReply(await app.services.webappUsage.of(ownerOf(request), webappOf(request), request.query.period)));
};

const iso = (ms: number) => new Date(ms).toISOString();
const round3 = (n: number | null) => (n === null ? null : Math.round(n * 1000) / 1000);

export function usageReply(r: WebappUsageReport): WebappUsageReply {
  const { window } = r;
  const totals = { requests: 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  const buckets = r.requests.map((req, i) => {
    for (const c of STATUS_CLASSES) {
      totals[c] += req.requests[c];
      totals.requests += req.requests[c];
    }
    const res = r.resources[i]!;
    return {
      start: iso(window.startMs + i * window.bucketMs),
      requests: req.requests,
      p50_ms: round3(req.p50Ms),
      p99_ms: round3(req.p99Ms),
      cpu_seconds: round3(res.cpuSeconds),
      memory_bytes: res.memoryBytes,
    };
  });
  return {
    period: window.period,
    bucket_seconds: window.bucketMs / 1000,
    start: iso(window.startMs),
    end: iso(window.endMs),
    buckets,
    totals,
    markers: r.markers.map((m) => ({ at: iso(m.atMs), kind: m.kind })),
    access_log_complete: r.accessLogComplete,
  };
}

export default webappUsageRoutes;
