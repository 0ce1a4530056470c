/** The registry, read-only: every server, or one by name. */
import type { FastifyPluginAsync } from 'fastify';
import { DNS_LABEL } from '../../../../../constructs/formats.js';

const tool = { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' } } } as const;
const server = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    namespace: { type: ['string', 'null'] },
    type: { type: 'string' },
    transport: { type: 'string' },
    endpoint: { type: 'string' },
    source: { type: 'string' },
    health: { type: 'string' },
    healthCheckedAt: { type: ['string', 'null'] },
    latencyMs: { type: ['integer', 'null'] },
    serverInfo: { type: ['object', 'null'], properties: { name: { type: 'string' }, version: { type: 'string' } } },
    protocolVersion: { type: ['string', 'null'] },
    tools: { type: 'array', items: tool },
    toolCount: { type: 'integer' },
    fingerprint: { type: ['string', 'null'] },
    reviewState: { type: 'string' },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
  },
} as const;
const error = { type: 'object', properties: { error: { type: 'string' } } } as const;

const servers: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/servers', { schema: { response: { 200: { type: 'object', properties: { servers: { type: 'array', items: server } } } } } }, async () => ({
    servers: await app.registry.list(),
  }));

  app.get<{ Params: { name: string } }>(
    '/api/v1/servers/:name',
    {
      schema: {
        params: { type: 'object', properties: { name: { type: 'string', pattern: DNS_LABEL.source, maxLength: 63 } }, required: ['name'] },
        response: { 200: server, 404: error },
      },
    },
    async (request, reply) => {
      const found = await app.registry.get(request.params.name);
      if (!found) return reply.code(404).send({ error: `no MCP server named ${request.params.name} in the registry` });
      return found;
    },
  );
};

export default servers;
