import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError, ValidationError } from '../domain/errors.js';
import { responses } from '../schemas/common.js';
import { DirectoryListing, FileParams, FolderRequest, MoveRequest, PathResult, TreeQuery, UploadResult } from '../schemas/files.js';
import { UserParams } from '../schemas/webapps.js';
import { ownerOf } from './context.js';

function malformed(err: unknown): ValidationError {
  return new ValidationError(`the multipart body is malformed: ${(err as Error).message}`, 'content');
}

const tags = ['files'];

/** Reading: a file's bytes, a folder's listing, a folder's whole tree. */
const fileReadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const files = app.services.files;

  app.get('/files/path/*', {
    schema: {
      tags,
      summary: "A file's contents, or a folder's listing",
      params: FileParams,
      response: responses({ 200: DirectoryListing }),
    },
  }, async (request, reply) => {
    const owner = ownerOf(request);
    const result = await files.read(owner, '/' + request.params['*']);
    if (result.kind === 'directory') {
      const base = `${request.protocol}://${request.host}/api/v0/user/${owner.username}/files/path${result.visible}`;
      return Object.fromEntries(
        result.entries.map((e) => [e.name, { type: e.type, url: `${base}/${encodeURIComponent(e.name)}`, size: e.size, modified: e.modified }]),
      );
    }
    // Users' files never render as pages on the dashboard's origin.
    return reply
      .header('Content-Type', 'application/octet-stream')
      .header('Content-Length', String(result.size))
      .header('Last-Modified', result.modified.toUTCString())
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(result.handle.createReadStream() as never); // a stream (it closes the file), not the JSON listing the schema describes
  });

  app.get('/files/tree/', {
    schema: {
      tags,
      summary: 'Every path below a folder; folders end in /',
      params: UserParams,
      querystring: TreeQuery,
      response: responses({ 200: Type.Array(Type.String()) }),
    },
  }, async (request) => files.tree(ownerOf(request), request.query.path));
};

/** Writing: uploading a file to a path, and deleting a file or a folder. */
const fileWriteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const files = app.services.files;

  app.post('/files/path/*', {
    schema: {
      tags,
      summary: 'Upload a file (multipart field "content"); folders on the way are created',
      consumes: ['multipart/form-data'],
      params: FileParams,
      response: responses({ 200: UploadResult, 201: UploadResult }),
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) {
      throw new ValidationError('send the file as multipart/form-data with the field "content"', 'content');
    }
    const part = await request.file({ limits: { fileSize: app.config.maxUploadBytes, files: 1 } }).catch((err: unknown) => {
      throw malformed(err);
    });
    if (!part || part.fieldname !== 'content') {
      throw new ValidationError('the multipart body must carry the file in a field named "content"', 'content');
    }
    const visible = '/' + request.params['*'];
    const result = await files.write(ownerOf(request), visible, part.file).catch((err: unknown) => {
      // File-system errors carry a syscall; anything else came from parsing the upload.
      if (err instanceof DomainError || (err as NodeJS.ErrnoException).syscall) throw err;
      throw malformed(err);
    });
    return reply.status(result.created ? 201 : 200).send({ path: visible.replace(/\/+/g, '/'), ...result });
  });

  app.delete('/files/path/*', {
    schema: { tags, summary: 'Delete a file or a folder with its contents', params: FileParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await files.remove(ownerOf(request), '/' + request.params['*']);
    return reply.status(204).send(null);
  });
};

/** Pyhost's own (PythonAnywhere's API has no folders or renames): what the dashboard's Files page needs. */
const folderAndMoveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const files = app.services.files;

  app.post('/files/folder/', {
    schema: { tags, summary: 'Create a folder (parents too)', params: UserParams, body: FolderRequest, response: responses({ 201: PathResult }) },
  }, async (request, reply) => reply.status(201).send(await files.makeFolder(ownerOf(request), request.body.path)));

  app.post('/files/move/', {
    schema: {
      tags,
      summary: 'Rename or move a file or folder within your files (never over an existing one)',
      params: UserParams,
      body: MoveRequest,
      response: responses({ 200: PathResult }),
    },
  }, async (request) => files.move(ownerOf(request), request.body.from, request.body.to));
};

/** /api/v0/user/{username}/files/…: a user's files by the paths they see in consoles. */
const fileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(fileReadRoutes);
  await app.register(fileWriteRoutes);
  await app.register(folderAndMoveRoutes);
};

export default fileRoutes;
