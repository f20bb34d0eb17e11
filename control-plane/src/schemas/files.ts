import { Type } from 'typebox';

export const FileParams = Type.Object({
  username: Type.String({ maxLength: 64 }),
  '*': Type.String({ maxLength: 4096, description: 'the path as you see it, without its leading /' }),
});

export const TreeQuery = Type.Object({ path: Type.String({ maxLength: 4096 }) }, { additionalProperties: false });

export const DirectoryEntry = Type.Object({
  type: Type.Union([Type.Literal('file'), Type.Literal('directory')]),
  url: Type.String(),
  size: Type.Integer(),
  modified: Type.String(),
});

export const DirectoryListing = Type.Record(Type.String(), DirectoryEntry, {
  description: 'name → entry, as PythonAnywhere answers for a folder',
});

export const UploadResult = Type.Object({ path: Type.String(), size: Type.Integer(), created: Type.Boolean() });

const VisiblePath = Type.String({ minLength: 1, maxLength: 4096, description: 'a path as you see it, e.g. /home/<you>/mysite' });

export const FolderRequest = Type.Object({ path: VisiblePath }, { additionalProperties: false });

export const MoveRequest = Type.Object({ from: VisiblePath, to: VisiblePath }, { additionalProperties: false });

export const PathResult = Type.Object({ path: Type.String() });
