import { Type } from 'typebox';
import { SIGNUP_MODES } from '../config.js';
import { USERNAME_PATTERN } from '../domain/names.js';
import { LimitOverrides, Limits } from './limits.js';

// The Admin section's API (docs/classroom.md, "Admin").

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T, description: string) => Type.Union([t, Type.Null()], { description });
const Moment = (description: string) =>
  Type.String({ maxLength: 40, description: `${description}: a date (2026-12-24, the start of that day, UTC) or a date and time with its zone` });
/** Set, or null for none (nullable rather than a union: the api coerces types, see schemas/limits.ts). */
const NullableMoment = (description: string) =>
  Type.Optional(Type.Unsafe<string | null>({ type: 'string', nullable: true, maxLength: 40, description: `${description}; null: none` }));
const NullableName = (description: string) =>
  Type.Optional(Type.Unsafe<string | null>({ type: 'string', nullable: true, maxLength: 64, description: `${description}; null: none` }));
const Password = Type.String({ maxLength: 1024, description: 'leave out to have one generated (shown once)' });

export const AdminUserSchema = Type.Object({
  username: Type.String(),
  uid: Type.Integer({ description: "the account's numeric uid on the host and in its containers" }),
  is_admin: Type.Boolean(),
  is_teacher: Type.Boolean(),
  teacher: Nullable(Type.String(), "the account's teacher"),
  students: Type.Integer({ description: 'accounts whose teacher this account is' }),
  created_at: Type.String(),
  last_login_at: Nullable(Type.String(), 'the last login'),
  disabled: Type.Boolean(),
  disabled_reason: Type.Union([Type.Literal('admin'), Type.Literal('expired'), Type.Literal('deleting'), Type.Null()]),
  expires_at: Nullable(Type.String(), 'the account is disabled by itself then'),
  webapps: Type.Array(Type.String(), { description: "the account's web apps, by domain" }),
  consoles: Type.Integer({ description: 'consoles it has' }),
  tasks: Type.Integer({ description: 'scheduled and always-on tasks it has' }),
  disk_bytes: Type.Union([Type.Integer(), Type.Null()], { description: 'disk its files take, measured in the background; null until measured' }),
  limits: Limits,
  overrides: LimitOverrides,
});

export const UsersQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 64, description: 'part of the username' })),
  sort: Type.Optional(Type.Union([Type.Literal('username'), Type.Literal('created_at'), Type.Literal('last_login_at'), Type.Literal('webapps'), Type.Literal('disk_bytes')])),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
}, { additionalProperties: false });

export const UserParams = Type.Object({ username: Type.String({ maxLength: 64 }) });

export const NewUserSchema = Type.Object({
  username: Type.String({ maxLength: 64, description: `${USERNAME_PATTERN}` }),
  password: Type.Optional(Password),
  is_admin: Type.Optional(Type.Boolean()),
  is_teacher: Type.Optional(Type.Boolean()),
  teacher: Type.Optional(Type.String({ maxLength: 64, description: 'the teacher who may look at its things' })),
  expires_at: Type.Optional(Moment('the account is disabled by itself then')),
}, { additionalProperties: false });

export const CreatedUserSchema = Type.Object({
  user: AdminUserSchema,
  password: Type.Optional(Type.String({ description: 'the generated password, shown once' })),
});

export const BulkSchema = Type.Object({
  text: Type.String({ maxLength: 1_000_000, description: 'one account a line: "username" or "username,password" (CSV, semicolons or tabs too)' }),
  is_teacher: Type.Optional(Type.Boolean()),
  teacher: Type.Optional(Type.String({ maxLength: 64, description: 'the teacher of every account of the list' })),
  expires_at: Type.Optional(Moment('every account of the list is disabled by itself then')),
}, { additionalProperties: false });

export const BulkCreatedSchema = Type.Object({
  created: Type.Array(Type.Object({
    username: Type.String(),
    password: Type.String({ description: 'shown once: for the printed sheet' }),
    generated: Type.Boolean({ description: 'Pyhost made the password up' }),
  })),
});

/** A 400 for a list with lines at fault: the shared error body and each line. */
export const LineErrorsSchema = Type.Object({
  error: Type.String(),
  detail: Type.String(),
  field: Type.Optional(Type.String()),
  lines: Type.Optional(Type.Array(Type.Object({
    line: Type.Integer({ description: '1-based, in the text as sent' }),
    text: Type.String(),
    error: Type.String({ description: 'what is wrong with it' }),
  }))),
});

export const UserPatchSchema = Type.Object({
  is_admin: Type.Optional(Type.Boolean()),
  is_teacher: Type.Optional(Type.Boolean()),
  teacher: NullableName('the teacher who may look at its things'),
  expires_at: NullableMoment('the account is disabled by itself then'),
}, { additionalProperties: false });

export const PasswordResetSchema = Type.Object({ password: Type.Optional(Password) }, { additionalProperties: false });

export const PasswordResetResult = Type.Object({ password: Type.Optional(Type.String({ description: 'the generated password, shown once' })) });

export const DeleteUserSchema = Type.Object({
  confirm: Type.String({ maxLength: 64, description: 'the username again, as typed by the admin' }),
  files: Type.Union([Type.Literal('archive'), Type.Literal('erase')], { description: 'archive: a tarball under PYHOST_DATA/archives/, restorable; erase: gone for good' }),
}, { additionalProperties: false });

export const DeletedUserSchema = Type.Object({ archive: Type.Union([Type.String(), Type.Null()], { description: "the archive of the account's files" }) });

export const ArchiveSchema = Type.Object({
  name: Type.String(),
  username: Type.String({ description: 'the deleted account' }),
  created_at: Type.String({ description: 'when it was made (the account was deleted)' }),
  bytes: Type.Integer(),
});

export const ArchiveParams = Type.Object({ name: Type.String({ maxLength: 128 }) });

export const RestoreSchema = Type.Object({
  username: Type.Optional(Type.String({ maxLength: 64, description: 'another name for the account (default: the archived one)' })),
  password: Type.Optional(Type.String({ maxLength: 1024, description: 'a new password (default: the archived one)' })),
}, { additionalProperties: false });

export const RestoredSchema = Type.Intersect([
  AdminUserSchema,
  Type.Object({ password: Type.Optional(Type.String({ description: 'the generated password, shown once (the archive had none)' })) }),
]);

export const SettingsSchema = Type.Object({
  signup: Type.Union([Type.Literal('closed'), Type.Literal('invite'), Type.Literal('open')], { description: 'who may make their own account' }),
  custom_domains: Type.Boolean({ description: 'whether users may give a web app or website a domain outside the base domain (each account up to its custom_domains limit)' }),
  egress: Type.Union([Type.Literal('none'), Type.Literal('allowlist'), Type.Literal('open')], { description: "what users' code may reach on the internet (PYHOST_EGRESS; read-only)" }),
  egress_allow: Type.Array(Type.String(), { description: 'the sites users\' code may reach when egress is allowlist: names such as "pypi.org", or ".pypi.org" for the domain and every name below it' }),
});

export const SettingsPatchSchema = Type.Object({
  signup: Type.Optional(Type.String({ maxLength: 20, description: SIGNUP_MODES.join(', ') })),
  custom_domains: Type.Optional(Type.Boolean()),
  egress_allow: Type.Optional(Type.Union([
    Type.Array(Type.String({ maxLength: 300 }), { maxItems: 1000 }),
    Type.Null({ description: "back to PYHOST_EGRESS_ALLOW's list (or its default)" }),
  ])),
}, { additionalProperties: false });
