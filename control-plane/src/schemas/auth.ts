import { Type } from 'typebox';

export const Credentials = Type.Object(
  {
    username: Type.String({ maxLength: 64 }),
    password: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const SignupRequest = Type.Object(
  {
    username: Type.String({ maxLength: 64 }),
    password: Type.String({ maxLength: 1024 }),
    code: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "an invite code (from a teacher's link): the account becomes that teacher's student" })),
  },
  { additionalProperties: false },
);

export const SignupModeSchema = Type.Union([Type.Literal('closed'), Type.Literal('invite'), Type.Literal('open')], {
  description: 'who may make their own account: nobody (admins create them), whoever has an invite code, anyone',
});

export const Me = Type.Object({
  username: Type.String(),
  is_admin: Type.Boolean(),
  is_teacher: Type.Boolean({ description: 'may make invite codes and have students' }),
  teacher: Type.Union([Type.String(), Type.Null()], { description: 'the teacher who may look at your things, if any' }),
  expires_at: Type.Union([Type.String(), Type.Null()], { description: 'when this account is disabled by itself (a workshop account), if ever' }),
  uid: Type.Integer(),
  csrf_token: Type.Union([Type.String(), Type.Null()], { description: 'send as X-CSRF-Token on cookie-authenticated writes' }),
  signup: SignupModeSchema,
  domain: Type.String({ description: 'the base domain of this Pyhost' }),
});

export const SignupResult = Type.Object({
  username: Type.String(),
  is_admin: Type.Boolean(),
  uid: Type.Integer(),
});

export const TokenInfo = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  created_at: Type.String(),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
});

export const NewToken = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  created_at: Type.String(),
  last_used_at: Type.Union([Type.String(), Type.Null()]),
  token: Type.String({ description: 'shown once; only its hash is kept' }),
});

export const TokenRequest = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);

export const TokenParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const SetupRequest = Type.Object(
  {
    token: Type.String({ maxLength: 200, description: "the one-time setup token from the api's log" }),
    username: Type.String({ maxLength: 64 }),
    password: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const SetupState = Type.Object({
  required: Type.Boolean({ description: 'true while this Pyhost has no account and waits for its first admin' }),
});
