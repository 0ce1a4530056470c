/** Bearer-token check for the write endpoints; without a configured token they are off. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function requireBearer(token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!expected) return reply.code(403).send({ error: 'write endpoints are disabled: set DISCOVERY_API_TOKEN to enable them' });
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    // Hashing first gives equal lengths, so the comparison time says nothing about the token.
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'a valid bearer token is required' });
    }
  };
}
