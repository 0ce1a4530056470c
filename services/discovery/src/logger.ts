/**
 * JSON logs (pino, as fastify uses) with secrets redacted wherever they could appear: request headers,
 * and any field named like a credential. Values from the cluster are logged as fields, never in the
 * message, so a crafted annotation cannot forge a log line.
 */
import { pino, type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.token',
  '*.password',
  '*.privateKey',
  '*.apiToken',
  '*.databaseUrl',
  'token',
  'password',
  'privateKey',
  'apiToken',
  'databaseUrl',
];

/** @param fd where the JSON lines go: 1 (stdout, for `serve`) or 2 (stderr, so `reconcile --once` keeps stdout for its report). */
export function createLogger(level: string, fd: 1 | 2 = 1): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'mcp-discovery' } }, pino.destination({ fd, sync: true }));
}

export type { Logger };
