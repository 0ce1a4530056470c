/** The reconcile loop as `app.discovery`: passes after watch changes, on an interval and on demand. */
import fp from 'fastify-plugin';
import { DiscoveryLoop } from '../../discovery-loop.js';
import { DEFAULT_PROBE_LIMITS } from '../../probe/probe.js';
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
      {
        annotationPrefix: settings.annotationPrefix,
        probeLimits: { ...DEFAULT_PROBE_LIMITS, timeoutMs: settings.probeTimeoutMs },
        probeConcurrency: settings.probeConcurrency,
        pullRequests: {
          baseBranch: settings.baseBranch,
          serversDir: settings.serversDir,
          maxOpenPullRequests: settings.maxOpenPullRequests,
          toolBudget: settings.toolBudget,
        },
      },
      { intervalMs: settings.reconcileIntervalSeconds * 1000, settleMs },
    );
    app.decorate('discovery', loop);
    app.addHook('onClose', async () => loop.stop());
  },
  { name: 'discovery-loop', dependencies: ['metrics', 'database', 'cluster', 'git-host'] },
);
