import { Type, type Static } from 'typebox';

export const UsageQuery = Type.Object({
  period: Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'hour', description: 'hour: 60 buckets of a minute; day: 96 of 15 minutes' }),
});

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, description: string) => Type.Union([t, Type.Null()], { description });

const UsageBucket = Type.Object({
  start: Type.String({ description: "the bucket's start, ISO 8601 UTC" }),
  requests: Type.Object({
    '2xx': Type.Integer(), '3xx': Type.Integer(), '4xx': Type.Integer(), '5xx': Type.Integer(),
  }, { description: 'requests that came in during the bucket, by the status class of their answer (1xx counted with 2xx)' }),
  p50_ms: Nullable(Type.Number(), 'median response time in ms; null without requests'),
  p99_ms: Nullable(Type.Number(), '99th percentile response time in ms; null without requests'),
  cpu_seconds: Nullable(Type.Number(), "CPU seconds the app's containers used in the bucket; null when none was read (not running, or before the api started)"),
  memory_bytes: Nullable(Type.Integer(), "the highest memory in use read in the bucket (as docker stats shows it: less the page cache); null when none was read"),
});

/** GET /api/v0/user/{username}/webapps/{domain}/usage/: Pyhost's own (docs/usage-charts.md). */
export const WebappUsageSchema = Type.Object({
  period: Type.Union([Type.Literal('hour'), Type.Literal('day')]),
  bucket_seconds: Type.Integer(),
  start: Type.String({ description: "the first bucket's start, ISO 8601 UTC" }),
  end: Type.String({ description: "the last bucket's end (now falls in the last bucket)" }),
  buckets: Type.Array(UsageBucket),
  totals: Type.Object({
    requests: Type.Integer(), '2xx': Type.Integer(), '3xx': Type.Integer(), '4xx': Type.Integer(), '5xx': Type.Integer(),
  }),
  markers: Type.Array(Type.Object({
    at: Type.String({ description: 'ISO 8601 UTC' }),
    kind: Type.Union([Type.Literal('reload'), Type.Literal('restart')], { description: "from the gateway's lines in the server log: reload (a reload or auto-reload); restart (a server started: a new container, or the gateway after the server died)" }),
  })),
  access_log_complete: Type.Boolean({ description: 'false when the access log was read only in part (a busy day beyond the byte bound): the oldest buckets show fewer requests than there were' }),
});

export type WebappUsageReply = Static<typeof WebappUsageSchema>;
