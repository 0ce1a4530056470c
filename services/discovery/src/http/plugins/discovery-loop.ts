/** The reconcile loop as `app.discovery`: passes after watch changes, on an interval and on demand. */
import fp from 'fastify-plugin';
import { DiscoveryLoop } from '../../discovery-loop.js';
import { passOptions } from '../../discovery-pass.js';
import type { DiscoverySettings } from '../../settings.js';

declare module 'fastify' {
  interface FastifyInstance {
    discovery: DiscoveryLoop;
  }
}

export default fp<{ readonly settings: DiscoverySettings; readonly settleMs?: number }>(
  async (app, { settings, settleMs }) => {
    const loop = new DiscoveryLoop(
      { objects: app.cluster, registry: app.registry, host: app.gitHost, metrics: app.metrics, log: app.log },
      passOptions(settings),
      { intervalMs: settings.reconcileIntervalSeconds * 1000, settleMs },
    );
    app.decorate('discovery', loop);
    app.addHook('onClose', async () => loop.stop());
  },
  { name: 'discovery-loop', dependencies: ['metrics', 'database', 'cluster', 'git-host'] },
);
