import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TARPIT_NANO_CPUS, pythonAnywhereTime } from '../domain/cpu-allowance.js';
import { responses } from '../schemas/common.js';
import { CpuUsage, type CpuUsageReply } from '../schemas/cpu.js';
import { UserParams } from '../schemas/webapps.js';
import { ownerOf } from './context.js';

/** /api/v0/user/{username}/cpu/: the day's CPU use against the allowance, shaped like PythonAnywhere's (docs/cpu-seconds.md). */
const cpuRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/cpu/', {
    schema: { tags: ['cpu'], summary: "Today's CPU seconds against the daily allowance", params: UserParams, response: responses({ 200: CpuUsage }) },
  }, async (request): Promise<CpuUsageReply> => {
    const today = app.services.cpu.today(ownerOf(request));
    return {
      daily_cpu_limit_seconds: today.allowanceSeconds,
      daily_cpu_total_usage_seconds: Math.round(today.chargedSeconds * 1000) / 1000,
      next_reset_time: pythonAnywhereTime(today.nextResetMs),
      in_tarpit: today.inTarpit,
      webapp_cpu_seconds: Math.round(today.webappSeconds * 1000) / 1000,
      tarpit_cpus: TARPIT_NANO_CPUS / 1e9,
    };
  });
};

export default cpuRoutes;
