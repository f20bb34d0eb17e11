import type { FastifyPluginAsync } from 'fastify';
import { resolveRequestContext } from './context.js';
import webappRoutes from './webapps.js';
import staticFileRoutes from './static-files.js';
import fileRoutes from './files.js';
import consoleRoutes from './consoles.js';
import consoleSocketRoutes from './console-socket.js';
import logRoutes from './logs.js';
import studentRoutes from './students.js';
import scheduleRoutes from './schedule.js';
import alwaysOnRoutes from './always-on.js';
import taskLogRoutes from './task-logs.js';
import compareRoutes from './compare.js';
import sslRoutes from './ssl.js';
import cpuRoutes from './cpu.js';
import diskRoutes from './disk.js';
import webappUsageRoutes from './webapp-usage.js';

/**
 * PythonAnywhere's API v0, under /api/v0/user/{username}/. Every route here
 * needs a signed-in caller who is that user, their teacher or an admin
 * (services/accounts/owner-access.ts); anyone else gets the same 404 as for
 * a user that does not exist. A teacher's and an admin's requests go into
 * the user's audit log.
 */
const v0Routes: FastifyPluginAsync = async (app) => {
  resolveRequestContext(app);
  await app.register(webappRoutes);
  await app.register(staticFileRoutes);
  await app.register(fileRoutes);
  await app.register(consoleRoutes);
  await app.register(consoleSocketRoutes);
  await app.register(logRoutes);
  await app.register(studentRoutes);
  await app.register(scheduleRoutes);
  await app.register(alwaysOnRoutes);
  await app.register(taskLogRoutes);
  await app.register(compareRoutes);
  await app.register(sslRoutes);
  await app.register(cpuRoutes);
  await app.register(diskRoutes);
  await app.register(webappUsageRoutes);
};

export default v0Routes;
