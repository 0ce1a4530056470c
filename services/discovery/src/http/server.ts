/**
 * `serve`: the HTTP API and the continuous watch as one process. Listens on 0.0.0.0, answers 503 while
 * closing (fastify's return503OnClosing), and on SIGTERM stops the watch, waits for a running pass and
 * closes the database before exiting.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DiscoverySettings } from '../settings.js';
import app from './app.js';

export async function startServer(
  settings: DiscoverySettings,
  log: Logger,
  options: { readonly settleMs?: number; readonly closeOnSignals?: boolean } = {},
): Promise<FastifyInstance> {
  const server = Fastify({ loggerInstance: log as FastifyBaseLogger, return503OnClosing: true, forceCloseConnections: 'idle', bodyLimit: 256 * 1024 });
  // Before anything starts: a SIGTERM during start-up (the watch's first list can take a while) closes cleanly too.
  if (options.closeOnSignals) closeOnSignals(server, log);
  // Node closes idle keep-alive connections once, as close begins (fastify's 'idle' option needs a serverFactory,
  // fastify#7044); one whose request was in flight then would hold close open for the 72 s keep-alive timeout.
  server.addHook('preClose', async () => {
    const sweep = setInterval(() => server.server.closeIdleConnections(), 100).unref();
    server.server.once('close', () => clearInterval(sweep));
  });
  try {
    await server.register(app, { settings, settleMs: options.settleMs });
    await server.ready();
    await server.listen({ host: settings.host, port: settings.port });
    await server.cluster.start();
  } catch (error) {
    // What did start (the database, the watch) is closed, so a failed start exits instead of hanging.
    await server.close().catch(() => undefined);
    throw error;
  }
  server.discovery.start();
  // A first pass right away; later ones follow watch changes and the interval.
  void server.discovery.trigger('start').catch((error: Error) => log.error({ err: error.message }, 'first reconcile pass failed'));
  return server;
}

/** Closes the server once on SIGTERM or SIGINT; a second signal exits at once. */
export function closeOnSignals(server: FastifyInstance, log: Logger): void {
  let closing = false;
  const close = (signal: string) => {
    if (closing) process.exit(1);
    closing = true;
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: Error) => {
        log.error({ err: error.message }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => close('SIGTERM'));
  process.on('SIGINT', () => close('SIGINT'));
}
