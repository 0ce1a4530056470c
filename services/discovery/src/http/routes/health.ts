/** Liveness says the process serves; readiness also needs the database and a synced watch. */
import type { FastifyPluginAsync } from 'fastify';

const status = { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'boolean' } } }, required: ['status'] } as const;

const health: FastifyPluginAsync = async (app) => {
  // Liveness must not depend on the database: a restart would not bring PostgreSQL back.
  app.get('/healthz', { schema: { response: { 200: status } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: status, 503: status } } }, async (_request, reply) => {
    const checks = { database: await app.registry.ping(), watch: app.cluster.synced() };
    const ready = checks.database && checks.watch;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
};

export default health;
