import { Type } from 'typebox';
import { MAX_ROTATION } from '../domain/log-files.js';

export const LogKindSchema = Type.Union([Type.Literal('access'), Type.Literal('error'), Type.Literal('server')]);

export const LogParams = Type.Object({
  username: Type.String({ maxLength: 64 }),
  domain_name: Type.String({ maxLength: 253 }),
  kind: LogKindSchema,
});

const Rotation = Type.Integer({ minimum: 0, maximum: MAX_ROTATION, default: 0, description: '0: the live file; 1: the newest rotated one (.1), 2: .2.gz, …' });

export const TailQuery = Type.Object(
  {
    lines: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
    rotation: Rotation,
  },
  { additionalProperties: false },
);

export const LogTailSchema = Type.Object({
  file: Type.String({ description: 'the file name in /var/log' }),
  lines: Type.Array(Type.String()),
  truncated: Type.Boolean({ description: 'the file has earlier lines than these' }),
  offset: Type.Integer({ description: 'pass to stream/?offset= to continue live from here' }),
});

export const LogFileSchema = Type.Object({
  name: Type.String(),
  kind: LogKindSchema,
  rotation: Type.Integer(),
  compressed: Type.Boolean(),
  size: Type.Integer(),
  modified: Type.String(),
});

export const StreamQuery = Type.Object(
  {
    offset: Type.Optional(Type.Integer({ minimum: 0, description: 'byte offset to start at; default: the end of the file now' })),
    max_seconds: Type.Integer({
      minimum: 0,
      maximum: 86_400,
      default: 3600,
      description: 'close the stream after this long (EventSource reconnects by itself, resuming via Last-Event-ID)',
    }),
  },
  { additionalProperties: false },
);

export const DownloadQuery = Type.Object({ rotation: Rotation }, { additionalProperties: false });
