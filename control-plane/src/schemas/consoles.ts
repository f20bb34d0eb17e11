import { Type } from 'typebox';

const NullableString = Type.Union([Type.String({ maxLength: 4096 }), Type.Null()]);

export const ConsoleParams = Type.Object({ username: Type.String({ maxLength: 64 }), id: Type.Integer({ minimum: 1 }) });

export const Console = Type.Object({
  id: Type.Integer(),
  user: Type.String(),
  executable: Type.String(),
  arguments: Type.String(),
  working_directory: NullableString,
  name: Type.String({ description: 'e.g. "Bash console 7"' }),
  console_url: Type.String({ description: 'the console in the dashboard' }),
  console_frame_url: Type.String({ description: 'the same page (Pyhost has no separate frame)' }),
  state: Type.Union([Type.Literal('running'), Type.Literal('exited'), Type.Literal('stopped')], {
    description: '`exited`: the process ended (its output is still readable); `stopped`: it never ran here',
  }),
  exit_code: Type.Union([Type.Integer(), Type.Null()]),
  exit_reason: NullableString,
  created_at: Type.String(),
  websocket_url: Type.String({ description: 'the terminal stream for browsers (session cookie)' }),
});

export const CreateConsole = Type.Object(
  {
    executable: Type.Optional(Type.String({ maxLength: 256, description: 'bash (default), python3, python3.11, …' })),
    arguments: Type.Optional(Type.String({ maxLength: 4096, description: 'split into words like a shell would, without expansion' })),
    working_directory: Type.Optional(Type.Union([Type.String({ maxLength: 4096 }), Type.Null()], { description: 'default: your home folder' })),
  },
  { additionalProperties: false },
);

export const SendInput = Type.Object(
  { input: Type.String({ maxLength: 65536, description: 'keystrokes; end a command with "\\n"' }) },
  { additionalProperties: false },
);

export const LatestOutput = Type.Object({ output: Type.String({ description: 'about the last 500 characters, escape sequences removed' }) });
