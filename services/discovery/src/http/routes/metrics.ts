/** Prometheus metrics in the text exposition format. */
import type { FastifyPluginAsync } from 'fastify';

const metrics: FastifyPluginAsync = async (app) => {
  app.get('/metrics', async (_request, reply) => {
    const text = await app.metrics.registry.metrics();
    return reply.type(app.metrics.registry.contentType).send(text);
  });
};

export default metrics;
