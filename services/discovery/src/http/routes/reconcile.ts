/** Manual trigger: runs a pass (or joins the queued one) and answers with its report. */
import type { FastifyPluginAsync } from 'fastify';
import { requireBearer } from './auth.js';

const reconcile: FastifyPluginAsync<{ readonly apiToken?: string }> = async (app, options) => {
  app.post('/api/v1/reconcile', { onRequest: requireBearer(options.apiToken) }, async (_request, reply) => {
    const report = await app.discovery.trigger('api');
    return reply.code(report.ok ? 200 : 502).send(report);
  });
};

export default reconcile;
