import { Type, type Static } from 'typebox';
import { CustomDomainFields } from './ssl.js';

// The shapes pythonanywhere-core's Website and helper_scripts' `pa website` send and read (docs/websites.md).

export const WebsiteParams = Type.Object({ username: Type.String({ maxLength: 64 }), domain: Type.String({ maxLength: 253 }) });

/** python_version (Pyhost's; "3.13" or "python313") may be at the top or in `webapp`. */
export const CreateWebsite = Type.Object({
  domain_name: Type.String({ maxLength: 253 }),
  enabled: Type.Optional(Type.Boolean()),
  python_version: Type.Optional(Type.String({ maxLength: 32 })),
  webapp: Type.Object({ command: Type.String({ maxLength: 8192 }), python_version: Type.Optional(Type.String({ maxLength: 32 })) }),
});

/**
 * Any of them: `enabled` starts or stops serving; a new `webapp.command` or
 * `python_version` (at the top or in `webapp`, as for create) starts a new
 * container side by side.
 */
export const PatchWebsite = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  python_version: Type.Optional(Type.String({ maxLength: 32 })),
  webapp: Type.Optional(Type.Object({ command: Type.Optional(Type.String({ maxLength: 8192 })), python_version: Type.Optional(Type.String({ maxLength: 32 })) })),
});

export const Website = Type.Object({
  id: Type.Integer(),
  user: Type.String(),
  domain_name: Type.String(),
  enabled: Type.Boolean(),
  python_version: Type.String(),
  webapp: Type.Object({
    id: Type.Integer(),
    command: Type.String(),
    domains: Type.Array(Type.Object({ domain_name: Type.String(), enabled: Type.Boolean() })),
  }),
  logfiles: Type.Object({ access: Type.String(), error: Type.String(), server: Type.String() }),
  state: Type.Union([Type.Literal('running'), Type.Literal('starting'), Type.Literal('failed'), Type.Literal('crashed'), Type.Literal('disabled')]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  ...CustomDomainFields,
});

export type Website = Static<typeof Website>;
export type WebsiteState = Website['state'];
export type WebsiteCreate = Static<typeof CreateWebsite>;
export type WebsitePatch = Static<typeof PatchWebsite>;
