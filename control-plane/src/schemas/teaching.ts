import { Type } from 'typebox';

const When = (description: string) => Type.Union([Type.String(), Type.Null()], { description });
const Moment = (description: string) =>
  Type.String({ maxLength: 40, description: `${description}: a date (2026-12-24, the start of that day, UTC) or a date and time with its zone` });

export const LimitOverridesSchema = Type.Object(
  {
    webapps: Type.Optional(Type.Integer()),
    consoles: Type.Optional(Type.Integer()),
    workers: Type.Optional(Type.Integer()),
    memory_mb: Type.Optional(Type.Integer()),
    custom_domains: Type.Optional(Type.Integer()),
    daily_cpu_seconds: Type.Optional(Type.Integer()),
  },
  { description: "overrides of the instance's default limits" },
);

export const InviteSchema = Type.Object({
  id: Type.Integer(),
  label: Type.String(),
  created_by: Type.String({ description: 'who made it: people who join with it become their students' }),
  created_at: Type.String(),
  expires_at: When('after this the code no longer works'),
  max_uses: Type.Union([Type.Integer(), Type.Null()], { description: 'how many accounts it may make; null: no limit' }),
  uses: Type.Integer({ description: 'accounts made with it so far' }),
  accounts_expire_at: When('the accounts made with it are disabled by themselves then (a workshop)'),
  limits: LimitOverridesSchema,
  revoked_at: When('when its maker withdrew it'),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('used_up'), Type.Literal('revoked')]),
});

export const NewInviteSchema = Type.Object(
  {
    label: Type.Optional(Type.String({ maxLength: 100, description: 'for you: which class or workshop it is for' })),
    expires_at: Type.Optional(Moment('the code stops working then')),
    max_uses: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    accounts_expire_at: Type.Optional(Moment('the accounts made with it are disabled by themselves then')),
    limits: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.Integer(), Type.Null()]), { description: 'limits of the accounts made with it (administrators only)' }),
    ),
  },
  { additionalProperties: false },
);

export const CreatedInviteSchema = Type.Intersect([
  InviteSchema,
  Type.Object({
    code: Type.String({ description: 'shown once; only its hash is kept' }),
    link: Type.String({ description: 'the sign-up page with the code, to share with the class' }),
  }),
]);

export const InviteParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const InviteQuery = Type.Object({ code: Type.String({ minLength: 1, maxLength: 200 }) });

export const InviteCheckSchema = Type.Object({
  valid: Type.Boolean(),
  teacher: Type.Union([Type.String(), Type.Null()], { description: 'whose student you become (valid codes only)' }),
  accounts_expire_at: When('your account is disabled by itself then'),
  reason: Type.Optional(Type.String({ description: 'why the code cannot be used' })),
});

export const StudentSchema = Type.Object({
  username: Type.String(),
  webapps: Type.Array(Type.String(), { description: 'their web apps, by domain' }),
  consoles: Type.Integer({ description: 'consoles they have (running, or ended and not yet closed)' }),
  last_login_at: When('their last login'),
  expires_at: When('when their account is disabled by itself'),
  disabled: Type.Boolean(),
});

export const TeacherRequest = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

export const TeacherResult = Type.Object({ teacher: Type.String({ description: 'may now look at your things' }) });

export const AuditQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 1, description: "an entry's id: the entries older than it (the next page)" })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
});

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  actor: Type.String({ description: 'who did it' }),
  role: Type.Union([Type.Literal('teacher'), Type.Literal('admin')], { description: 'as your teacher, or as an administrator' }),
  method: Type.String(),
  path: Type.String({ description: 'what they asked for, under /api/v0/user/{you}' }),
  status: Type.Integer({ description: "the answer's HTTP status (101: a console opened)" }),
  at: Type.String(),
});

/** PythonAnywhere's `GET /api/v0/user/{teacher}/students/`. */
export const StudentsListSchema = Type.Object({ students: Type.Array(Type.Object({ username: Type.String() })) });

export const StudentParams = Type.Object({ username: Type.String(), student: Type.String({ maxLength: 64 }) });
