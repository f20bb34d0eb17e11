import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { NotFoundError } from '../domain/errors.js';
import type { OwnerRole } from '../domain/principal.js';
import { responses } from '../schemas/common.js';
import { StudentParams, StudentsListSchema } from '../schemas/teaching.js';
import type { UserRow } from '../store/users-store.js';
import { ownerOf } from './context.js';

const tags = ['students'];

/**
 * The teacher whose students these are. Only they and admins manage them:
 * a teacher looking at a student's things does not see that student's own
 * students.
 */
function teacherOf(request: FastifyRequest): { teacher: UserRow; role: OwnerRole } {
  const teacher = ownerOf(request);
  const role = request.ownerRole!;
  if (role === 'teacher') throw new NotFoundError(`only ${teacher.username} (or an administrator) can see ${teacher.username}'s students`);
  return { teacher, role };
}

/**
 * PythonAnywhere's students API, under /api/v0/user/{teacher}/, as
 * `pythonanywhere_core.students.StudentsAPI` and `pa students` call it.
 */
const studentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { teaching } = app.services;

  app.get('/students/', {
    schema: { tags, summary: "The teacher's students", response: responses({ 200: StudentsListSchema }) },
  }, async (request) => ({ students: teaching.studentsOf(teacherOf(request).teacher) }));

  // PythonAnywhere's client calls it without a trailing slash (both work).
  app.delete('/students/:student', {
    schema: { tags, summary: 'Remove a student: the teacher no longer sees their things', params: StudentParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const { teacher, role } = teacherOf(request);
    teaching.removeStudent(request.principal!, role, teacher, request.params.student);
    return reply.status(204).send(null);
  });
};

export default studentRoutes;
