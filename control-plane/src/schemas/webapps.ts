import { Type, type Static } from 'typebox';
import { CustomDomainFields } from './ssl.js';
import { MAX_WORKERS } from '../domain/webapp-rules.js';

const NullableString = Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]);

export const UserParams = Type.Object({ username: Type.String({ maxLength: 64 }) });
export const WebappParams = Type.Object({ username: Type.String({ maxLength: 64 }), domain_name: Type.String({ maxLength: 253 }) });
export const StaticFileParams = Type.Object({
  username: Type.String({ maxLength: 64 }),
  domain_name: Type.String({ maxLength: 253 }),
  id: Type.Integer({ minimum: 1 }),
});

export const Server = Type.Union([Type.Literal('uwsgi'), Type.Literal('gunicorn')]);

export const LastReload = Type.Union([
  Type.Object({
    at: Type.String(),
    duration_ms: Type.Integer(),
    ok: Type.Boolean(),
    error: NullableString,
  }),
  Type.Null(),
]);

export const Webapp = Type.Object({
  id: Type.Integer(),
  user: Type.String(),
  domain_name: Type.String(),
  python_version: Type.String(),
  source_directory: NullableString,
  working_directory: NullableString,
  virtualenv_path: NullableString,
  expiry: Type.Null({ description: 'apps on Pyhost do not expire' }),
  force_https: Type.Boolean(),
  hsts_enabled: Type.Boolean({
    description:
      "Pyhost's own (clients of PythonAnywhere's API ignore it): the router adds `Strict-Transport-Security: max-age=31536000` " +
      'to the app\'s answers over HTTPS, so that browsers use HTTPS for this domain for a year. Off by default.',
  }),
  password_protection_enabled: Type.Boolean(),
  password_protection_username: NullableString,
  password_protection_password: Type.Null({ description: 'stored hashed, so never shown' }),
  server: Server,
  workers: Type.Integer(),
  env: Type.Record(Type.String(), Type.String()),
  auto_reload: Type.Boolean(),
  enabled: Type.Boolean(),
  state: Type.Union([
    Type.Literal('starting'),
    Type.Literal('running'),
    Type.Literal('crashed'),
    Type.Literal('stopped'),
    Type.Literal('disabled'),
    Type.Literal('sleeping'),
  ], {
    description:
      "Pyhost's own: `sleeping` when the app had no request for `sleep_after_seconds`: it has no container and holds no memory, " +
      'and its next request (or a Reload) wakes it; the router holds that request until the app answers.',
  }),
  sleeping_since: Type.Union([Type.String(), Type.Null()], { description: "Pyhost's own: when it fell asleep (ISO 8601, UTC); null when not sleeping." }),
  keep_awake: Type.Boolean({ description: "Pyhost's own: its owner keeps it from sleeping, within the account's `awake_webapps` limit." }),
  sleep_after_seconds: Type.Integer({
    description: "Pyhost's own: seconds without a request after which it sleeps (the account's `sleep_after_seconds`); 0: it never sleeps.",
  }),
  url: Type.String(),
  last_reload: LastReload,
  settings_warning: Type.Union([Type.String(), Type.Null()], {
    description:
      'Pyhost\'s own: why the saved settings are not serving yet (e.g. a virtualenv that does not exist); ' +
      'the previous version keeps serving and the next Reload applies them. Null when the saved settings serve.',
  }),
  crash_reason: Type.Union([Type.String(), Type.Null()], {
    description:
      'Pyhost\'s own: why the app is `crashed` when its server kept dying and Pyhost stopped restarting it, ' +
      'pointing at the error log. Null in every other state; the next Reload, or a change of settings that starts the app, ends it.',
  }),
  ...CustomDomainFields,
});

export const Framework = Type.Union([Type.Literal('manual'), Type.Literal('flask'), Type.Literal('django')]);

export const CreateWebapp = Type.Object(
  {
    domain_name: Type.Optional(Type.String({ maxLength: 253 })),
    python_version: Type.Optional(Type.String({ maxLength: 20 })),
    // Pyhost's own, for "Add a new web app" (PythonAnywhere's create takes the two above only):
    framework: Type.Optional(Framework),
    django_project: Type.Optional(Type.String({ maxLength: 4096, description: 'django: the folder that holds manage.py, e.g. /home/you/mysite' })),
    django_settings: Type.Optional(Type.String({ maxLength: 255, description: 'django: the settings module, e.g. mysite.settings' })),
    flask_file: Type.Optional(Type.String({ maxLength: 4096, description: 'flask: the file that defines `app` (created with a hello world if missing)' })),
  },
  { additionalProperties: false },
);

export const PatchWebapp = Type.Object(
  {
    python_version: Type.Optional(Type.String({ maxLength: 20 })),
    source_directory: Type.Optional(NullableString),
    working_directory: Type.Optional(NullableString),
    virtualenv_path: Type.Optional(NullableString),
    force_https: Type.Optional(Type.Boolean()),
    hsts_enabled: Type.Optional(Type.Boolean()),
    password_protection_enabled: Type.Optional(Type.Boolean()),
    password_protection_username: Type.Optional(NullableString),
    password_protection_password: Type.Optional(NullableString),
    server: Type.Optional(Server),
    workers: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_WORKERS })),
    env: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 4096 }))),
    auto_reload: Type.Optional(Type.Boolean()),
    keep_awake: Type.Optional(Type.Boolean({ description: "Pyhost's own: never put it to sleep (within the account's `awake_webapps` limit); true also wakes it." })),
  },
  { additionalProperties: false },
);

export const StaticFile = Type.Object({ id: Type.Integer(), url: Type.String(), path: Type.String() });

export const CreateStaticFile = Type.Object(
  { url: Type.String({ maxLength: 512 }), path: Type.String({ maxLength: 4096 }) },
  { additionalProperties: false },
);

export const PatchStaticFile = Type.Object(
  { url: Type.Optional(Type.String({ maxLength: 512 })), path: Type.Optional(Type.String({ maxLength: 4096 })) },
  { additionalProperties: false },
);

// The TypeScript types of the bodies above. The service takes its input types
// from here and the dashboard imports these (types only), so the API's fields
// are written once, in the schemas.
export type ServerKind = Static<typeof Server>;
export type LastReload = Static<typeof LastReload>;
export type Webapp = Static<typeof Webapp>;
export type WebappState = Webapp['state'];
export type WebappCreate = Static<typeof CreateWebapp>;
export type Framework = Static<typeof Framework>;
export type WebappPatch = Static<typeof PatchWebapp>;
export type StaticFile = Static<typeof StaticFile>;
export type StaticFileCreate = Static<typeof CreateStaticFile>;
export type StaticFilePatch = Static<typeof PatchStaticFile>;
